/**
 * The open lesson, docked under the header on every view: its steps with instructions, an answer
 * field where the step asks for a number or a choice, a Check button (only for the current step
 * and those done) and each step's status. Checks read the live playground and studio facts.
 */
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { MessageKey } from '../../../i18n/i18n';
import type { PlaygroundController } from '../../playground/client/usePlayground';
import { fmt } from '../../playground/client/maths/shared';
import { playgroundFacts, type SampleFacts } from '../facts';
import { lessonByNumber, type CheckResult, type Lesson, type Step } from '../lessons';
import { currentStep, progressOf } from '../progress';
import { useLessons, useStudioFacts } from './ClassroomProvider';

interface Props {
  controller: PlaygroundController;
  /** the view shown now, to offer a link to the lesson's own */
  view: string;
}

const sub = (n: number) => String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);

/** The numbers lesson 1 and 2 work with, from the selected sample. */
function SampleNumbers({ lesson, sample }: { lesson: Lesson; sample: SampleFacts }) {
  const { t } = useI18n();
  const item = (name: string, value: number, testId?: string) => (
    <li key={name}>
      <var>{name}</var> = <span className="lesson-number" data-testid={testId}>{fmt(value, 4)}</span>
    </li>
  );
  if (lesson.id === 'forward') {
    return (
      <div className="lesson-numbers" data-testid="lesson-numbers">
        <p>{t('classroom.numbers.forward', { sample: sample.index, activation: t(`maths.activation.${sample.activation}`) })}</p>
        <ul>
          {sample.inputs.map((x, i) => item(`a${sub(i + 1)}`, x))}
          {sample.weights.map((w, i) => item(`w${sub(1)}${sub(i + 1)}`, w))}
          {item(`b${sub(1)}`, sample.bias)}
        </ul>
      </div>
    );
  }
  return (
    <div className="lesson-numbers" data-testid="lesson-numbers">
      <p>{t('classroom.numbers.gradient', { sample: sample.index, layer: sample.outputLayer })}</p>
      <ul>
        {item('y', sample.yTrue)}
        {item('ŷ', sample.yHat)}
        {item(`a${sub(1)}`, sample.aPrev)}
      </ul>
      <p className="hint">{t(sample.outputActivation === 'linear' ? 'classroom.numbers.derivativeLinear' : 'classroom.numbers.derivativeTanh')}</p>
    </div>
  );
}

interface StepProps {
  lesson: Lesson;
  step: Step;
  index: number;
  done: boolean;
  enabled: boolean;
  current: boolean;
  result: CheckResult | undefined;
  onCheck(answer: string): void;
}

function LessonStep({ lesson, step, index, done, enabled, current, result, onCheck }: StepProps) {
  const { t } = useI18n();
  const [answer, setAnswer] = useState('');
  const label = t('classroom.step.answer', { n: index + 1 });
  return (
    <li className={`lesson-step${done ? ' lesson-step--done' : current ? ' lesson-step--current' : ''}`} data-testid="lesson-step" data-step={step.id} data-done={done}>
      <p className="lesson-instruction">{t(`classroom.${lesson.id}.${step.id}` as MessageKey)}</p>
      <div className="lesson-actions">
        {step.answer === 'number' && (
          <input type="text" inputMode="decimal" value={answer} onChange={(e) => setAnswer(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && enabled && onCheck(answer)} aria-label={label} disabled={!enabled} data-testid="lesson-answer" />
        )}
        {step.answer === 'choice' && (
          <fieldset className="lesson-choices" disabled={!enabled}>
            <legend>{label}</legend>
            {step.choices?.map((choice) => (
              <label key={choice}>
                <input type="radio" name={`lesson-${lesson.n}-${step.id}`} value={choice} checked={answer === choice} onChange={() => setAnswer(choice)} data-testid={`lesson-choice-${choice}`} />
                {t(`classroom.choice.${choice}` as MessageKey)}
              </label>
            ))}
          </fieldset>
        )}
        <button type="button" onClick={() => onCheck(answer)} disabled={!enabled} data-testid="lesson-check">{t('classroom.check')}</button>
        <span className="lesson-step-status" role="status" data-testid="lesson-step-status" data-done={done}>
          {done ? t('classroom.done') : t('classroom.notYet')}
          {!done && result?.hint && <> · {t(`classroom.hint.${result.hint}` as MessageKey, result.params)}</>}
        </span>
      </div>
    </li>
  );
}

function OpenLesson({ lesson, controller, view }: Props & { lesson: Lesson }) {
  const { t } = useI18n();
  const lessons = useLessons();
  const studio = useStudioFacts();
  const { config, snapshot, error } = controller.state;
  const facts = useMemo(() => playgroundFacts({ config, snapshot, error }), [config, snapshot, error]);
  const [results, setResults] = useState<Record<string, CheckResult>>({});
  /** folded: only the title bar, to give the view the room (e.g. on a projector) */
  const [folded, setFolded] = useState(false);
  const progress = progressOf(lessons.progress, lesson);
  const current = currentStep(lesson, lessons.progress);
  const { observe } = lesson;
  const { remember } = lessons;
  useEffect(() => {
    const next = observe?.(progress.memory, facts);
    if (next) remember(lesson, next);
  }, [observe, progress.memory, facts, remember, lesson]);
  const complete = current === lesson.steps.length;
  const check = (step: Step, answer: string) => {
    const result = lessons.check(lesson, step.id, { playground: facts, studio, answer });
    setResults((all) => ({ ...all, [step.id]: result }));
  };
  return (
    <aside className="lesson-panel" data-testid={`lesson-${lesson.n}`} data-complete={complete} aria-label={t('classroom.lessonLabel', { n: lesson.n })}>
      <div className="lesson-panel__head">
        <h2>{t('classroom.lessonLabel', { n: lesson.n })} · {t(`classroom.${lesson.id}.title` as MessageKey)}</h2>
        <progress max={lesson.steps.length} value={current} aria-label={t('classroom.progress', { done: current, total: lesson.steps.length })} />
        <span>{t('classroom.progress', { done: current, total: lesson.steps.length })}</span>
        {lesson.setup && <button type="button" onClick={() => controller.setConfig(lesson.setup!)} data-testid="lesson-setup">{t('classroom.setup')}</button>}
        <button type="button" onClick={() => setFolded(!folded)} aria-expanded={!folded} aria-controls={`lesson-${lesson.n}-body`} data-testid="lesson-fold">{t(folded ? 'classroom.unfold' : 'classroom.fold')}</button>
        <button type="button" onClick={() => { lessons.reset(lesson); setResults({}); }} data-testid="lesson-reset">{t('classroom.restart')}</button>
        <button type="button" onClick={lessons.close} data-testid="lesson-close">{t('classroom.close')}</button>
      </div>
      <div id={`lesson-${lesson.n}-body`} hidden={folded}>
      <p className="lesson-intro">{t(`classroom.${lesson.id}.intro` as MessageKey)}</p>
      {/* a button, not a link: the navigation's links keep their unique names */}
      {view !== lesson.home && <p><button type="button" onClick={() => { window.location.hash = lesson.home; }} data-testid="lesson-go">{t(lesson.home === 'transfer' ? 'classroom.goStudio' : 'classroom.goPlayground')}</button></p>}
      {(lesson.id === 'forward' || lesson.id === 'gradient') && facts.sample && <SampleNumbers lesson={lesson} sample={facts.sample} />}
      <ol className="lesson-steps">
        {lesson.steps.map((step, index) => (
          <LessonStep key={step.id} lesson={lesson} step={step} index={index} done={progress.done.includes(step.id)} enabled={index <= current} current={index === current} result={results[step.id]} onCheck={(answer) => check(step, answer)} />
        ))}
      </ol>
      {complete && <p className="lesson-complete" role="status" data-testid="lesson-complete">{t('classroom.complete')}</p>}
      </div>
    </aside>
  );
}

export function LessonPanel(props: Props) {
  const { active } = useLessons();
  const lesson = active === null ? undefined : lessonByNumber(active);
  return lesson ? <OpenLesson key={lesson.n} lesson={lesson} {...props} /> : null;
}
