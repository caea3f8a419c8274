/** "Show code": the current settings as runnable Keras (train.py) and TensorFlow.js code. */
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { BaseSpec } from '../bases';
import { generatePython, generateTfjs } from '../codegen';
import type { HeadConfig } from '../meta';

type Language = 'python' | 'tfjs';

function safeGenerate(language: Language, head: HeadConfig, classNames: string[], imagesPerClass: number[], base?: BaseSpec): string | null {
  try {
    const input = { head, classNames, imagesPerClass, base };
    return language === 'python' ? generatePython(input) : generateTfjs(input);
  } catch {
    return null; // e.g. duplicate or empty class names: the form shows why
  }
}

/** `base`: the base the head sits on (the code's default, MobileNet v1 0.25, when absent). */
export function ShowCode({ head, classNames, imagesPerClass, base }: { head: HeadConfig; classNames: string[]; imagesPerClass: number[]; base?: BaseSpec }) {
  const { t } = useI18n();
  const [language, setLanguage] = useState<Language>('python');
  const [open, setOpen] = useState(false);
  const code = useMemo(() => (open ? safeGenerate(language, head, classNames, imagesPerClass, base) : null), [open, language, head, classNames, imagesPerClass, base]);
  const fileName = language === 'python' ? 'train.py' : 'train.mjs';
  const downloadUrl = useMemo(() => (code === null ? null : URL.createObjectURL(new Blob([code], { type: 'text/plain' }))), [code]);
  useEffect(() => () => void (downloadUrl && URL.revokeObjectURL(downloadUrl)), [downloadUrl]);
  return (
    <section className="show-code" aria-label={t('transfer.code.title')}>
      <details onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary data-testid="show-code">{t('transfer.code.title')}</summary>
        <div role="tablist" className="code-tabs">
          {(['python', 'tfjs'] as const).map((option) => (
            <button key={option} type="button" role="tab" aria-selected={language === option} onClick={() => setLanguage(option)}>
              {t(`transfer.code.${option}`)}
            </button>
          ))}
        </div>
        {code === null ? (
          <p className="hint">{t('transfer.code.invalid')}</p>
        ) : (
          <>
            <div className="train-actions">
              <button type="button" onClick={() => void navigator.clipboard?.writeText(code)}>{t('transfer.code.copy')}</button>
              <a href={downloadUrl ?? undefined} download={fileName}>{t('transfer.code.download', { file: fileName })}</a>
            </div>
            <pre className="code" data-testid="generated-code" tabIndex={0}><code>{code}</code></pre>
          </>
        )}
      </details>
    </section>
  );
}
