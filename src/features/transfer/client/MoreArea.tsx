/**
 * The studio's second area, below the main flow: settings, curves, evaluation and the looks inside,
 * each a panel, with a bar of links that brings one into view in a click. Every panel stays
 * rendered (its state and test ids are kept); none of them can push the main flow off the screen.
 */
import type { ReactNode } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';

export interface MorePanel {
  /** stable: the link is `more-<key>`, the panel's anchor `studio-<key>` */
  key: string;
  label: string;
  node: ReactNode;
}

/** Brings a panel of the second area into view and moves the keyboard focus to it. */
export function showPanel(key: string): void {
  const panel = document.getElementById(`studio-${key}`);
  if (!panel) return;
  panel.scrollIntoView({ block: 'start', behavior: 'auto' });
  panel.focus({ preventScroll: true });
}

export function MoreArea({ panels }: { panels: MorePanel[] }) {
  const { t } = useI18n();
  return (
    <div className="more-area">
      <nav className="more-nav" aria-label={t('transfer.more.nav')} data-testid="more-nav">
        {panels.map((panel) => (
          <button key={panel.key} type="button" className="link-button" onClick={() => showPanel(panel.key)} data-testid={`more-${panel.key}`}>{panel.label}</button>
        ))}
      </nav>
      {panels.map((panel) => (
        <div key={panel.key} className="more-panel" id={`studio-${panel.key}`} tabIndex={-1}>{panel.node}</div>
      ))}
    </div>
  );
}
