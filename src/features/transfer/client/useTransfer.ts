/**
 * The studio's page-side state: the model's status, the classes with their thumbnails, training
 * progress and curves, the evaluation and predictions. Images and training live in the worker.
 */
import { startTransition, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useWorker } from '../../../client/WorkerProvider';
import type { Evaluation, FromWorker, ModelSource, ModelStatus, TransferErrorCode, NumericsSummary } from '../../../worker/protocol';
import { augmentsFineTuning, DEFAULT_HEAD, isIdentityAugmentation, MAX_CLASSES, normalizeHead, type HeadConfig } from '../meta';
import { baseSpec, DEFAULT_BASE, type BaseId } from '../bases';
import { resolveBaseUrl } from './defaultModelUrl';
import { readSettings, withRestoredImages, writeSettings } from './projectSettings';
import { usePrediction } from './usePrediction';
import { applyPlan, planClasses } from './photoSetClasses';
import { advance, classRefs, DATASET_ERRORS, ProgressBuffer, download, isRunning, markSaved, newClass, restoredView, startView, type ClassView, type DatasetView, type Rejection, type ReliabilityNotice, type StorageRefusal, type TrainingView, type PreviousRun } from './transferViews';

export type { ClassView, DatasetView, ImageView, PreviousRun, Rejection, ReliabilityNotice, StorageRefusal, TrainingView } from './transferViews';
export { isRunning } from './transferViews';
export type { PredictionView } from './usePrediction';

export function useTransfer(defaultClassName: (n: number) => string) {
  const worker = useWorker();
  const deletedRef = useRef<{ view: ClassView; index: number } | null>(null);
  /** the classes and settings saved by the last session (read once) */
  const [saved] = useState(readSettings);
  const [model, setModel] = useState<{ status: ModelStatus; progress: number; from?: string; code?: TransferErrorCode; detail?: string; numerics?: NumericsSummary; base?: BaseId }>({ status: 'idle', progress: 0 });
  /** the base model chosen (the one loading or loaded; a base that fails to load leaves the previous one in use) */
  const [base, setBase] = useState<BaseId>(() => saved?.base ?? DEFAULT_BASE);
  const baseRef = useRef(base);
  baseRef.current = base;
  /** the saved classifier was trained on another base than the one in use */
  const [otherBase, setOtherBase] = useState<BaseId | null>(null);
  const [classes, setClasses] = useState<ClassView[]>(() =>
    saved && saved.classes.length > 0 ? saved.classes.map((c) => ({ ...c, images: [] })) : [newClass(defaultClassName(1)), newClass(defaultClassName(2))],
  );
  const [rejections, setRejections] = useState<Rejection[]>([]);
  const [adding, setAdding] = useState<{ classId: string; done: number; total: number } | null>(null);
  const [head, setHead] = useState<HeadConfig>(() => saved?.head ?? DEFAULT_HEAD);
  /** the worker's last refusal; photos not saved are marked in their classes */
  const [refusal, setRefusal] = useState<StorageRefusal | null>(null);
  /** the browser refused the classes and settings (localStorage full or unavailable) */
  const [settingsRefused, setSettingsRefused] = useState(false);
  const [training, setTraining] = useState<TrainingView | null>(null);
  /** the Tiny VGG trained from scratch, for comparison */
  const [scratch, setScratch] = useState<TrainingView | null>(null);
  /** the previous transfer and from-scratch runs (kept when a new one starts) */
  const [previous, setPrevious] = useState<{ transfer: PreviousRun | null; scratch: PreviousRun | null }>({ transfer: null, scratch: null });
  const runsRef = useRef({ transfer: null as TrainingView | null, scratch: null as TrainingView | null });
  runsRef.current = { transfer: training, scratch };
  const [evaluation, setEvaluation] = useState<{ evaluation: Evaluation; classNames: string[] } | null>(null);
  const [error, setError] = useState<TransferErrorCode | null>(null);
  /** the last error's detail (e.g. the missing weight files' names), for messages that show it */
  const [errorDetail, setErrorDetail] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<ReliabilityNotice | null>(null);
  const [deleted, setDeleted] = useState<{ view: ClassView; index: number } | null>(null);
  deletedRef.current = deleted;
  /** labels of a classifier ready to predict: trained here (or restored), or imported */
  const [classifier, setClassifier] = useState<{ labels: string[]; source: 'trained' | 'restored' | 'imported' } | null>(null);
  const [exported, setExported] = useState<{ name: string; url: string }[] | null>(null);
  const [restored, setRestored] = useState(false);
  const [dataset, setDataset] = useState<DatasetView | null>(null);
  const datasetUrl = useRef<string | null>(null);
  const jobId = useRef(0);
  const classesRef = useRef(classes);
  classesRef.current = classes;
  const headRef = useRef(head);
  headRef.current = head;
  const defaultNameRef = useRef(defaultClassName);
  defaultNameRef.current = defaultClassName;

  /** what a new worker needs to load again after a crash */
  const modelSource = useRef<ModelSource>({ kind: 'auto', defaultUrl: resolveBaseUrl(baseSpec(base)) });
  const importedFiles = useRef<File[] | null>(null);
  /** the files of an import the worker has not answered yet */
  const importing = useRef<File[] | null>(null);

  /**
   * Progress comes once per epoch (up to 100 a second with the default head on cached photos): the
   * page draws it at most every PROGRESS_MS, every epoch's logs kept, so that drawing leaves the CPU
   * to the worker's training (on 2 cores the page drawing each epoch took most of one).
   */
  const progress = useMemo(() => new ProgressBuffer((messages) => {
    const current = messages.filter((message) => message.jobId === jobId.current);
    const of = (run: 'transfer' | 'scratch') => current.filter((message) => (message.run === 'scratch') === (run === 'scratch'));
    // A transition: React renders the curves in slices that yield, so the page stays responsive.
    startTransition(() => {
      if (of('transfer').length > 0) setTraining((view) => of('transfer').reduce<TrainingView | null>(advance, view));
      if (of('scratch').length > 0) setScratch((view) => of('scratch').reduce<TrainingView | null>(advance, view));
    });
  }), []);
  useEffect(() => () => progress.cancel(), [progress]);

  const onMessage = useCallback((message: FromWorker) => {
    switch (message.type) {
      case 'transfer/modelStatus':
        if (message.status === 'ready' && message.base) setBase(message.base);
        return setModel({ status: message.status, progress: message.progress, from: message.from, code: message.code, detail: message.detail, numerics: message.numerics, base: message.base });
      case 'transfer/backendRejected':
        return setNotice({ kind: 'backendRejected', backend: message.backend, now: message.now, reason: message.reason, detail: message.detail });
      case 'transfer/imageAdded': {
        const image = { id: message.imageId, name: message.name, url: URL.createObjectURL(message.thumbnail), saved: message.saved };
        return setClasses((all) => all.map((c) => (c.id === message.classId ? { ...c, images: [...c.images, image] } : c)));
      }
      case 'transfer/imageRejected':
        return setRejections((all) => [...all, { classId: message.classId, name: message.name, code: message.code }]);
      case 'transfer/addProgress':
        return setAdding(message.done < message.total ? { classId: message.classId, done: message.done, total: message.total } : null);
      case 'transfer/trainProgress':
        if (message.jobId !== jobId.current) return;
        return progress.push(message);
      case 'transfer/trainDone':
        if (message.jobId !== jobId.current) return;
        progress.flush();
        // A transition too: the evaluation (up to a 20 × 20 confusion matrix) renders in slices.
        return startTransition(() => {
          if (message.run === 'scratch') return setScratch((current) => current && { ...current, phase: message.phase, elapsedMs: message.elapsedMs, evaluation: message.evaluation });
          setTraining((current) => current && { ...current, phase: message.phase, elapsedMs: message.elapsedMs, timings: message.timings, evaluation: message.evaluation });
          setClassifier({ labels: classesRef.current.map((c) => c.name), source: 'trained' });
          setEvaluation({ evaluation: message.evaluation, classNames: classesRef.current.map((c) => c.name) });
        });
      case 'transfer/projectRestored':
        setClasses((all) => withRestoredImages(all, message.images, message.legacy, restoredView, defaultNameRef.current));
        if (message.legacy) setHead(normalizeHead(message.legacy.head));
        if (message.trainedLabels) setClassifier({ labels: message.trainedLabels, source: 'restored' });
        setOtherBase(message.otherBase);
        return setRestored(true);
      case 'transfer/projectOpened': // a project file replaced the project (useProjectFiles.ts saved its class list and removes the old photos)
        baseRef.current = message.base;
        modelSource.current = { kind: 'auto', defaultUrl: resolveBaseUrl(baseSpec(message.base)) };
        importedFiles.current = null;
        setClasses(message.classes.map((c) => ({ ...c, images: message.images.filter((image) => image.classId === c.id).map(restoredView) })));
        setHead(message.head);
        setBase(message.base);
        setClassifier(message.trainedLabels && { labels: message.trainedLabels, source: 'trained' }); // the project's own, as if trained here
        progress.cancel();
        setTraining(null);
        setScratch(null);
        setPrevious({ transfer: null, scratch: null });
        setEvaluation(null);
        setOtherBase(null);
        return setDeleted(null);
      case 'transfer/storageRefused':
        console.warn(`storage refused (${message.code}): ${message.detail}`);
        if (message.what === 'images') setClasses((all) => markSaved(all, message.imageIds, false));
        return setRefusal((current) => ({ code: message.code, trained: message.what === 'trained' || (current?.trained ?? false) }));
      case 'transfer/imagesSaved':
        return setClasses((all) => markSaved(all, message.imageIds, true));
      case 'transfer/modelExported':
        return setExported((previous) => {
          previous?.forEach((file) => URL.revokeObjectURL(file.url));
          return download(message.files);
        });
      case 'transfer/modelImported':
        if (importing.current) importedFiles.current = importing.current;
        importing.current = null;
        return setClassifier({ labels: message.labels, source: 'imported' });
      case 'transfer/datasetExported': {
        if (datasetUrl.current) URL.revokeObjectURL(datasetUrl.current);
        const [file] = download([{ name: message.name, blob: message.blob }]);
        datasetUrl.current = file.url;
        return setDataset({ status: 'done', name: file.name, url: file.url, images: message.images, skipped: message.skipped });
      }
      case 'backendLost':
        return setNotice({ kind: 'backendLost', backend: message.backend });
      case 'transfer/error':
        if (message.detail) console.warn(`transfer/error ${message.code}: ${message.detail}`);
        setErrorDetail(message.detail);
        if (DATASET_ERRORS.has(message.code)) return setDataset({ status: 'error', code: message.code, detail: message.detail });
        if (message.jobId !== undefined && message.jobId === jobId.current) {
          progress.flush();
          const failed = (current: TrainingView | null) => current && current.jobId === message.jobId ? { ...current, phase: 'error' as const } : current;
          setTraining(failed);
          setScratch(failed);
        }
        return setError(message.code);
      default:
        return;
    }
  }, [progress]);

  /**
   * A new worker after a crash holds nothing: read the photos back (decoded again from IndexedDB;
   * those of a deleted class kept while it can be undone) and load the base model and any imported
   * classifier again.
   */
  const recover = useCallback(() => {
    setNotice({ kind: 'workerRestarted' });
    progress.cancel(); // the crashed worker's last epochs: its run is over
    const interrupted = (current: TrainingView | null) => (current && isRunning(current.phase) ? { ...current, phase: 'error' as const } : current);
    setTraining(interrupted);
    setScratch(interrupted);
    setAdding(null);
    setClassifier(null);
    setModel({ status: 'idle', progress: 0 });
    const classIds = [...classesRef.current.map((c) => c.id), ...(deletedRef.current ? [deletedRef.current.view.id] : [])];
    worker.sendTransfer({ type: 'transfer/restoreProject', classIds, base: baseRef.current });
    worker.sendTransfer({ type: 'transfer/loadModel', source: modelSource.current, base: baseRef.current });
    if (importedFiles.current) worker.sendTransfer({ type: 'transfer/importModel', files: importedFiles.current });
  }, [worker, progress]);
  useEffect(() => worker.subscribe({ onMessage, onCrash: recover }), [worker, onMessage, recover]);
  useEffect(() => {
    worker.sendTransfer({ type: 'transfer/restoreProject', classIds: saved ? saved.classes.map((c) => c.id) : null, base: baseRef.current });
    worker.sendTransfer({ type: 'transfer/loadModel', source: modelSource.current, base: baseRef.current });
  }, [worker]); // eslint-disable-line react-hooks/exhaustive-deps
  // Classes and settings are saved as they change, synchronously and before the change is painted
  // (projectSettings.ts): what the page shows is what a reload brings back.
  const classList = useMemo(() => JSON.stringify(classes.map((c) => [c.id, c.name])), [classes]);
  useLayoutEffect(() => {
    setSettingsRefused(!writeSettings({ classes: classesRef.current, head, base }));
  }, [classList, head, base]);

  const addClass = useCallback(() => {
    setClasses((all) => (all.length >= MAX_CLASSES ? all : [...all, newClass(defaultClassName(all.length + 1))]));
  }, [defaultClassName]);
  const renameClass = useCallback((id: string, name: string) => setClasses((all) => all.map((c) => (c.id === id ? { ...c, name } : c))), []);
  const deleteClass = useCallback((id: string) => {
    setClasses((all) => {
      const index = all.findIndex((c) => c.id === id);
      if (index < 0) return all;
      setDeleted({ view: all[index], index });
      return all.filter((c) => c.id !== id);
    });
  }, []);
  const undoDelete = useCallback(() => {
    if (!deleted) return;
    setClasses((all) => [...all.slice(0, deleted.index), deleted.view, ...all.slice(deleted.index)]);
    setDeleted(null);
  }, [deleted]);
  const addFiles = useCallback((classId: string, files: File[]) => {
    if (files.length === 0) return;
    setAdding({ classId, done: 0, total: files.length });
    worker.sendTransfer({ type: 'transfer/addImages', classId, files });
  }, [worker]);
  /** A photo set's classes, merged by name or created (photoSetClasses.ts): their ids, null where there was no room. */
  const ensureClasses = useCallback((names: string[]) => {
    const plan = planClasses(classesRef.current, names, defaultNameRef.current);
    setClasses((all) => applyPlan(all, plan));
    return plan.ids;
  }, []);
  const removeImage = useCallback((classId: string, imageId: string) => {
    setClasses((all) => all.map((c) => (c.id === classId ? { ...c, images: c.images.filter((image) => image.id !== imageId) } : c)));
    worker.sendTransfer({ type: 'transfer/removeImages', imageIds: [imageId] });
  }, [worker]);
  /** A new run of a kind starts: the current one (if it got anywhere) becomes the previous one. */
  const keepPrevious = useCallback((run: 'transfer' | 'scratch') => {
    const current = runsRef.current[run];
    if (current && current.history.length > 0) setPrevious((all) => ({ ...all, [run]: { history: current.history, augmented: current.augmented ?? false } }));
  }, []);
  const train = useCallback(() => {
    jobId.current++;
    setError(null);
    setEvaluation(null);
    keepPrevious('transfer');
    setTraining({ ...startView(jobId.current, head.epochs), augmented: augmentsFineTuning(head) && head.fineTuneEpochs > 0 });
    const refs = classRefs(classesRef.current);
    worker.sendTransfer({ type: 'transfer/train', jobId: jobId.current, classes: refs, head });
  }, [worker, head, keepPrevious]);
  const trainScratch = useCallback(() => {
    jobId.current++;
    setError(null);
    keepPrevious('scratch');
    setScratch({ ...startView(jobId.current, head.epochs), phase: 'training', augmented: head.augmentScratch && !isIdentityAugmentation(head.augmentation) });
    const refs = classRefs(classesRef.current);
    worker.sendTransfer({ type: 'transfer/trainScratch', jobId: jobId.current, classes: refs, head });
  }, [worker, head, keepPrevious]);
  const stop = useCallback(() => worker.sendTransfer({ type: 'transfer/stop', jobId: jobId.current }), [worker]);
  // Before training too: the nearest class mean of the photos (usePrediction.ts).
  const { prediction, predict, canPredict } = usePrediction(classes, classifier !== null, model.status === 'ready');
  const exportModel = useCallback(() => worker.sendTransfer({ type: 'transfer/exportModel', labels: classesRef.current.map((c) => c.name) }), [worker]);
  /** Imports a classifier whose labels are the classes holding photos (any, when none does); it is kept for a restarted worker once the worker took it. */
  const importModel = useCallback((files: File[]) => {
    if (files.length === 0) return;
    importing.current = files;
    const classes = classesRef.current.filter((c) => c.images.length > 0).map((c) => c.name);
    worker.sendTransfer({ type: 'transfer/importModel', files, classes });
  }, [worker]);
  const exportDataset = useCallback(() => {
    setDataset({ status: 'working' });
    const refs = classRefs(classesRef.current);
    worker.sendTransfer({ type: 'transfer/exportDataset', classes: refs, head });
  }, [worker, head]);
  const loadModel = useCallback((source: ModelSource) => {
    modelSource.current = source;
    worker.sendTransfer({ type: 'transfer/loadModel', source, base: baseRef.current });
  }, [worker]);
  /**
   * Another base: the photos stay, their embeddings are made again, and a classifier trained on the
   * old base goes (the page asks first). Saved with the project at once.
   */
  const chooseBase = useCallback((next: BaseId) => {
    if (next === baseRef.current) return;
    baseRef.current = next;
    setBase(next);
    // fine-tuning blocks follow the base (MobileNet v1 has 13, v2 17)
    setHead((current) => (current.fineTuneBlocks > baseSpec(next).blocks ? { ...current, fineTuneBlocks: baseSpec(next).blocks } : current));
    setOtherBase(null);
    setEvaluation(null);
    setClassifier((current) => (current?.source === 'imported' ? current : null));
    modelSource.current = { kind: 'auto', defaultUrl: resolveBaseUrl(baseSpec(next)) };
    worker.sendTransfer({ type: 'transfer/loadModel', source: modelSource.current, base: next });
  }, [worker]);
  const retrySaves = useCallback(() => {
    setRefusal((current) => current && { ...current, trained: false });
    worker.sendTransfer({ type: 'transfer/retrySaves' });
  }, [worker]);
  const loadModelFiles = useCallback((files: File[]) => loadModel({ kind: 'files', files }), [loadModel]);
  const loadModelUrl = useCallback((url: string) => loadModel({ kind: 'url', url }), [loadModel]);

  const actions = useMemo(
    () => ({ addClass, renameClass, deleteClass, undoDelete, addFiles, ensureClasses, removeImage, train, trainScratch, stop, predict, setHead, loadModelFiles, loadModelUrl, exportModel, importModel, exportDataset, retrySaves, chooseBase, dismissRejections: () => setRejections([]), dismissError: () => setError(null), dismissNotice: () => setNotice(null) }),
    [addClass, renameClass, deleteClass, undoDelete, addFiles, ensureClasses, removeImage, train, trainScratch, stop, predict, loadModelFiles, loadModelUrl, exportModel, importModel, exportDataset, retrySaves, chooseBase],
  );
  return { state: { model, classes, rejections, adding, head, training, scratch, previous, evaluation, prediction, canPredict, error, errorDetail, notice, deleted, classifier, exported, restored, dataset, refusal, settingsRefused, base, otherBase }, actions };
}

export type TransferController = ReturnType<typeof useTransfer>;
