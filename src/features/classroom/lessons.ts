/**
 * The five lessons: each a list of steps whose check is a pure function of the app's facts
 * (facts.ts), the student's answer and what earlier steps recorded. Texts are i18n keys:
 * `classroom.<lesson>.title`, `classroom.<lesson>.intro`, `classroom.<lesson>.<step>`,
 * `classroom.hint.<hint>`.
 */
import { FEATURE_OPTIONS, type PlaygroundConfig } from '../playground/meta';
import type { PlaygroundFacts, StudioFacts } from './facts';

/** Numbers a step recorded for later steps (e.g. the overfitting gap before regularisation). */
export type LessonMemory = Record<string, number>;

export type AnswerKind = 'none' | 'number' | 'choice';

export interface CheckInput {
  playground: PlaygroundFacts;
  /** null until the studio has been opened */
  studio: StudioFacts | null;
  /** what the student typed or chose ('' for none) */
  answer: string;
  memory: LessonMemory;
}

export const HINTS = [
  'pause', 'noSample', 'badNumber', 'notClose', 'needRegression', 'raiseRate', 'notDiverged', 'lowerRate', 'stillDiverged',
  'trainMore', 'fewData', 'noRegularization', 'trainEpochs', 'noGap', 'needRegularization', 'gapNotSmaller', 'earlierStep',
  'openStudio', 'classes', 'images', 'trainTransfer', 'trainScratch', 'pickChoice', 'wrongChoice',
] as const;
export type Hint = (typeof HINTS)[number];

export interface CheckResult {
  done: boolean;
  /** why not yet (or, when done, nothing) */
  hint?: Hint;
  params?: Record<string, string | number>;
  /** numbers to remember for later steps */
  record?: LessonMemory;
}

export interface Step {
  id: string;
  answer: AnswerKind;
  /** for `choice`: the options (i18n `classroom.choice.<option>`) */
  choices?: readonly string[];
  check(input: CheckInput): CheckResult;
}

export interface Lesson {
  /** 1-based, as in `?lesson=` and the test id `lesson-<n>` */
  n: number;
  id: string;
  /** where the lesson happens */
  home: 'playground' | 'transfer';
  /** settings that "Set up" applies (none: the lesson starts from any run) */
  setup?: Partial<PlaygroundConfig>;
  steps: Step[];
  /** notices facts that come and go (e.g. a divergence message) while the lesson is open */
  observe?(memory: LessonMemory, facts: PlaygroundFacts): LessonMemory | null;
}

const ok = (record?: LessonMemory): CheckResult => ({ done: true, record });
const notYet = (hint: Hint, params?: CheckResult['params']): CheckResult => ({ done: false, hint, params });

/** A typed number: accepts −, a comma as the decimal mark, spaces; NaN when it is not one. */
export function parseAnswer(text: string): number {
  let s = text.trim().replace(/[−–]/g, '-').replace(/\s+/g, '');
  if (!s.includes('.')) s = s.replace(',', '.');
  return s === '' ? NaN : Number(s);
}

/** Within 2 % (at least 0.0005): what rounding the shown 4-digit numbers by hand can cost. */
export function closeEnough(answer: number, truth: number): boolean {
  return Number.isFinite(answer) && Math.abs(answer - truth) <= Math.max(0.02 * Math.abs(truth), 5e-4);
}

/** A step where the student types one number of the selected, paused sample. */
function numberStep(id: string, truth: (sample: NonNullable<PlaygroundFacts['sample']>) => number): Step {
  return {
    id,
    answer: 'number',
    check: ({ playground, answer }) => {
      if (!playground.sample) return notYet('noSample');
      if (playground.status === 'playing') return notYet('pause');
      const value = parseAnswer(answer);
      if (!Number.isFinite(value)) return notYet('badNumber');
      return closeEnough(value, truth(playground.sample)) ? ok() : notYet('notClose');
    },
  };
}

const pauseStep: Step = {
  id: 'pause',
  answer: 'none',
  check: ({ playground }) => (!playground.sample ? notYet('noSample') : playground.status === 'playing' ? notYet('pause') : ok()),
};

const isRegression = (facts: PlaygroundFacts) => facts.dataset === 'plane' || facts.dataset === 'multiGauss';
/** Lesson 3: a rate that blows up the default network on a regression set; one that recovers it. */
export const DIVERGING_RATE = 3;
export const SAFE_RATE = 0.1;
export const RECOVERED_TEST_LOSS = 0.01;

const forwardPass: Lesson = {
  n: 1,
  id: 'forward',
  home: 'playground',
  steps: [pauseStep, numberStep('z', (s) => s.z), numberStep('a', (s) => s.a)],
};

const gradient: Lesson = {
  n: 2,
  id: 'gradient',
  home: 'playground',
  steps: [pauseStep, numberStep('delta', (s) => s.outputDelta), numberStep('gradient', (s) => s.gradient)],
};

const diverge: Lesson = {
  n: 3,
  id: 'diverge',
  home: 'playground',
  setup: { dataset: 'plane', learningRate: 0.03, activation: 'tanh' },
  observe: (memory, facts) => (facts.diverged && !memory.diverged ? { ...memory, diverged: 1 } : null),
  steps: [
    { id: 'regression', answer: 'none', check: ({ playground }) => (isRegression(playground) ? ok() : notYet('needRegression')) },
    {
      id: 'blowUp',
      answer: 'none',
      check: ({ playground, memory }) => {
        if (playground.diverged || memory.diverged) return ok({ diverged: 1 });
        return playground.learningRate < DIVERGING_RATE ? notYet('raiseRate', { rate: DIVERGING_RATE }) : notYet('notDiverged');
      },
    },
    {
      id: 'lower',
      answer: 'none',
      check: ({ playground }) =>
        playground.learningRate > SAFE_RATE ? notYet('lowerRate', { rate: SAFE_RATE }) : playground.diverged ? notYet('stillDiverged') : ok(),
    },
    {
      id: 'recover',
      answer: 'none',
      check: ({ playground }) => {
        if (playground.learningRate > SAFE_RATE) return notYet('lowerRate', { rate: SAFE_RATE });
        if (playground.diverged) return notYet('stillDiverged');
        if (!isRegression(playground)) return notYet('needRegression');
        return playground.samplesSeen > 0 && playground.testLoss < RECOVERED_TEST_LOSS ? ok() : notYet('trainMore', { loss: RECOVERED_TEST_LOSS });
      },
    },
  ],
};

/** Lesson 4: little data (≤ 20 % for training) and much noise (≥ 30 %); a gap of ≥ 0.1 after ≥ 200 epochs. */
export const OVERFIT = { maxTrainRatio: 20, minNoise: 30, minEpochs: 200, minGap: 0.1, shrink: 0.75 } as const;
const fewNoisy = (f: PlaygroundFacts) => f.trainRatio <= OVERFIT.maxTrainRatio && f.noise >= OVERFIT.minNoise;
const gapOf = (f: PlaygroundFacts) => f.testLoss - f.trainLoss;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

const overfitting: Lesson = {
  n: 4,
  id: 'overfitting',
  home: 'playground',
  setup: { dataset: 'circle', trainRatio: 10, noise: 50, hiddenLayers: [8, 8], features: [...FEATURE_OPTIONS], activation: 'tanh', learningRate: 0.03, regularization: 'none', regularizationRate: 0 },
  steps: [
    { id: 'setup', answer: 'none', check: ({ playground }) => (fewNoisy(playground) ? ok() : notYet('fewData', { ratio: OVERFIT.maxTrainRatio, noise: OVERFIT.minNoise })) },
    {
      id: 'overfit',
      answer: 'none',
      check: ({ playground: f }) => {
        if (!fewNoisy(f)) return notYet('fewData', { ratio: OVERFIT.maxTrainRatio, noise: OVERFIT.minNoise });
        if (f.regularization !== 'none' && f.regularizationRate > 0) return notYet('noRegularization');
        if (f.epoch < OVERFIT.minEpochs) return notYet('trainEpochs', { epochs: OVERFIT.minEpochs });
        const gap = gapOf(f);
        return gap >= OVERFIT.minGap ? ok({ gap: round3(gap) }) : notYet('noGap', { gap: round3(gap), margin: OVERFIT.minGap });
      },
    },
    {
      id: 'regularize',
      answer: 'none',
      check: ({ playground: f, memory }) => {
        if (memory.gap === undefined) return notYet('earlierStep');
        if (!fewNoisy(f)) return notYet('fewData', { ratio: OVERFIT.maxTrainRatio, noise: OVERFIT.minNoise });
        if (f.regularization === 'none' || f.regularizationRate <= 0) return notYet('needRegularization');
        if (f.epoch < OVERFIT.minEpochs) return notYet('trainEpochs', { epochs: OVERFIT.minEpochs });
        const gap = gapOf(f);
        return gap <= OVERFIT.shrink * memory.gap ? ok({ regularizedGap: round3(gap) }) : notYet('gapNotSmaller', { gap: round3(gap), before: memory.gap });
      },
    },
  ],
};

/** Lesson 5: "few images" is 2 to 20 per class, in at least two classes. */
export const FEW_IMAGES = { min: 2, max: 20 } as const;
/** Validation accuracies closer than this count as "about the same". */
export const TIE_MARGIN = 0.05;
const finished = (run: StudioFacts['transfer']) => run !== null && run.phase === 'done' && Number.isFinite(run.valAccuracy);

const transferVsScratch: Lesson = {
  n: 5,
  id: 'transfer',
  home: 'transfer',
  steps: [
    {
      id: 'images',
      answer: 'none',
      check: ({ studio }) => {
        if (!studio) return notYet('openStudio');
        if (studio.imagesPerClass.length < 2) return notYet('classes');
        const fits = studio.imagesPerClass.every((n) => n >= FEW_IMAGES.min && n <= FEW_IMAGES.max);
        return fits ? ok() : notYet('images', { min: FEW_IMAGES.min, max: FEW_IMAGES.max });
      },
    },
    { id: 'trainTransfer', answer: 'none', check: ({ studio }) => (studio && finished(studio.transfer) ? ok() : notYet('trainTransfer')) },
    { id: 'trainScratch', answer: 'none', check: ({ studio }) => (studio && finished(studio.scratch) ? ok() : notYet('trainScratch')) },
    {
      id: 'compare',
      answer: 'choice',
      choices: ['transfer', 'scratch', 'tie'],
      check: ({ studio, answer }) => {
        if (!studio || !finished(studio.transfer)) return notYet('trainTransfer');
        if (!finished(studio.scratch)) return notYet('trainScratch');
        if (answer === '') return notYet('pickChoice');
        const transfer = studio.transfer!.valAccuracy;
        const scratch = studio.scratch!.valAccuracy;
        const truth = Math.abs(transfer - scratch) < TIE_MARGIN ? 'tie' : transfer > scratch ? 'transfer' : 'scratch';
        return answer === truth ? ok({ transfer, scratch }) : notYet('wrongChoice');
      },
    },
  ],
};

export const LESSONS: readonly Lesson[] = [forwardPass, gradient, diverge, overfitting, transferVsScratch];

export const lessonByNumber = (n: number): Lesson | undefined => LESSONS.find((lesson) => lesson.n === n);
