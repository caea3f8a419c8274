/**
 * The "Lessons" page (#lessons): the five lessons with their progress (opening one docks it under
 * the header and goes to its view), a "Share this view" link builder for teachers, and the
 * biological vs artificial neuron explainer.
 */
import { useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { MessageKey } from '../../../i18n/i18n';
import { CONTROL_IDS, LOCKABLE_IDS, shareUrl, type ControlId } from '../flags';
import { LESSONS } from '../lessons';
import { currentStep } from '../progress';
import { useControlFlags, useLessons } from './ClassroomProvider';
import { NeuronExplainer } from './NeuronExplainer';

function ShareView() {
  const { t } = useI18n();
  const { parsed } = useControlFlags();
  const { active } = useLessons();
  const [presenter, setPresenter] = useState(parsed.presenter);
  const [hide, setHide] = useState<ControlId[]>(parsed.hidden);
  const [lock, setLock] = useState<ControlId[]>(parsed.locked);
  const [lesson, setLesson] = useState<number | null>(active);
  const [copied, setCopied] = useState(false);
  const link = shareUrl(window.location.href.replace(/#.*$/, '') + (lesson ? `#${LESSONS[lesson - 1].home}` : '#playground'), { presenter, hide, lock, lesson });
  const toggle = (list: ControlId[], set: (ids: ControlId[]) => void, id: ControlId) => set(list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const copy = () => navigator.clipboard?.writeText(link).then(() => setCopied(true), () => setCopied(false));
  return (
    <section className="share-view" aria-labelledby="share-view-title">
      <h2 id="share-view-title">{t('classroom.share.title')}</h2>
      <p className="hint">{t('classroom.share.hint')}</p>
      <label className="share-option">
        <input type="checkbox" checked={presenter} onChange={(e) => setPresenter(e.target.checked)} data-testid="share-presenter" /> {t('classroom.share.presenter')}
      </label>
      <label className="share-option">
        {t('classroom.share.lesson')}{' '}
        <select value={lesson ?? ''} onChange={(e) => setLesson(e.target.value === '' ? null : Number(e.target.value))}>
          <option value="">{t('classroom.share.noLesson')}</option>
          {LESSONS.map((l) => <option key={l.n} value={l.n}>{t('classroom.lessonLabel', { n: l.n })} · {t(`classroom.${l.id}.title` as MessageKey)}</option>)}
        </select>
      </label>
      <table className="share-controls">
        <thead>
          <tr><th scope="col">{t('classroom.share.control')}</th><th scope="col">{t('classroom.share.hide')}</th><th scope="col">{t('classroom.share.lock')}</th></tr>
        </thead>
        <tbody>
          {CONTROL_IDS.map((id) => (
            <tr key={id}>
              <th scope="row" title={id}>{t(`classroom.control.${id}`)}</th>
              <td><input type="checkbox" checked={hide.includes(id)} onChange={() => toggle(hide, setHide, id)} aria-label={`${t('classroom.share.hide')}: ${t(`classroom.control.${id}`)}`} /></td>
              <td>{LOCKABLE_IDS.includes(id) && <input type="checkbox" checked={lock.includes(id)} onChange={() => toggle(lock, setLock, id)} aria-label={`${t('classroom.share.lock')}: ${t(`classroom.control.${id}`)}`} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="share-link">
        <input type="text" readOnly value={link} aria-label={t('classroom.share.link')} data-testid="share-link" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>{copied ? t('classroom.share.copied') : t('classroom.share.copy')}</button>
      </div>
    </section>
  );
}

export function LessonsView() {
  const { t } = useI18n();
  const lessons = useLessons();
  const start = (n: number, home: string) => {
    lessons.open(n);
    window.location.hash = home;
  };
  return (
    <main className="lessons-view">
      <h2>{t('classroom.title')}</h2>
      <p className="hint">{t('classroom.intro')}</p>
      <ol className="lesson-list">
        {LESSONS.map((lesson) => {
          const done = currentStep(lesson, lessons.progress);
          const total = lesson.steps.length;
          return (
            <li key={lesson.n} className="lesson-card" data-testid={`lesson-card-${lesson.n}`} data-done={done === total}>
              <h3>{t('classroom.lessonLabel', { n: lesson.n })} · {t(`classroom.${lesson.id}.title` as MessageKey)}</h3>
              <p>{t(`classroom.${lesson.id}.intro` as MessageKey)}</p>
              <p className="hint">{t('classroom.progress', { done, total })}</p>
              <button type="button" onClick={() => start(lesson.n, lesson.home)} data-testid={`lesson-open-${lesson.n}`}>
                {done === 0 ? t('classroom.start') : done === total ? t('classroom.review') : t('classroom.continue')}
              </button>
            </li>
          );
        })}
      </ol>
      <NeuronExplainer />
      <ShareView />
    </main>
  );
}
