/** Messages to the user: invalid link values replaced by defaults, a diverged run, a crashed worker. */
import { useI18n } from '../../../i18n/I18nProvider';
import { useControlFlags } from '../../classroom/client/ClassroomProvider';
import type { PlaygroundState } from './usePlayground';

interface Props {
  state: PlaygroundState;
  onRestore(): void;
  onDismissError(): void;
  onDismissNotice(): void;
}

export function Notices({ state, onRestore, onDismissError, onDismissNotice }: Props) {
  const { t } = useI18n();
  const { error, config } = state;
  // the playground's settings and the classroom's flags (e.g. `hide=foo`) that the link got wrong
  const flags = useControlFlags();
  const invalidParams = [...state.invalidParams, ...flags.invalidParams];
  return (
    <div className="notices" aria-live="polite">
      {invalidParams.length > 0 && (
        <div className="notice" role="status" data-testid="url-notice">
          {t('notice.invalidParams', { params: invalidParams.join(', ') })}
          <button type="button" onClick={() => { onDismissNotice(); flags.dismissInvalid(); }}>{t('notice.dismiss')}</button>
        </div>
      )}
      {error && (
        <div className="notice notice-error" role="alert" data-testid="error-message">
          {error.code === 'diverged' ? t('error.diverged', { lr: config.learningRate }) : t(`error.${error.code}`)}
          {error.code === 'diverged' && (
            <button type="button" onClick={onRestore} data-testid="restore-weights">{t('notice.restore')}</button>
          )}
          <button type="button" onClick={onDismissError}>{t('notice.dismiss')}</button>
        </div>
      )}
    </div>
  );
}
