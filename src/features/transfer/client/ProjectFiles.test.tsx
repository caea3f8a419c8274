// @vitest-environment jsdom
/**
 * Save / Open project on the page: a file is read before anything is asked; over a project with
 * photos it asks (Cancel sends nothing), and Replace opens it; the new class list is saved before
 * the replaced photos are removed; Undo opens the replaced project without asking; an empty studio
 * is not asked; errors show their own message.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TransferToWorker } from '../../../worker/protocol';
import { fakeWorker } from '../../../client/fakeWorker.testutil';
import { DEFAULT_HEAD } from '../meta';
import type { ProjectSummary } from '../projectMeta';
import { ProjectFiles } from './ProjectFiles';
import { readSettings } from './projectSettings';
import type { ClassView, TransferController } from './useTransfer';

const { sent } = fakeWorker;
vi.mock('../../../client/WorkerProvider', async () => (await import('../../../client/fakeWorker.testutil')).workerProviderMock);

beforeEach(() => {
  sent.length = 0;
  localStorage.clear();
  URL.createObjectURL = vi.fn(() => 'blob:project');
  URL.revokeObjectURL = vi.fn();
});
afterEach(cleanup);

const withPhotos: ClassView[] = [
  { id: 'c0', name: 'cats', images: [{ id: 'i1', name: 'a.jpg', url: 'blob:a' }, { id: 'i2', name: 'b.jpg', url: 'blob:b' }] },
  { id: 'c1', name: 'dogs', images: [{ id: 'i3', name: 'c.jpg', url: 'blob:c' }] },
];
const studio = (classes: ClassView[]) => ({ classes, head: DEFAULT_HEAD, base: 'mobilenet_v2_0.35', classifier: null, training: null, scratch: null, deleted: null }) as unknown as TransferController['state'];
const summary: ProjectSummary = { base: 'mobilenet_v1_0.25', classes: [{ name: 'x', photos: 3 }, { name: 'y', photos: 4 }], trained: true, head: DEFAULT_HEAD };
const of = <T extends TransferToWorker['type']>(type: T) => sent.filter((m): m is Extract<TransferToWorker, { type: T }> => m.type === type);
const choose = (name = 'p.zip') => fireEvent.change(screen.getByTestId('open-project'), { target: { files: [new File(['zip'], name)] } });

/** ProjectFiles as TransferView renders it: nothing running, the project's photos counted. */
const view = (state: ReturnType<typeof studio>) => <ProjectFiles studio={state} running={false} photos={state.classes.reduce((sum, c) => sum + c.images.length, 0)} />;

describe('ProjectFiles', () => {
  it('asks before replacing a project with photos; Cancel keeps it; Replace opens; Undo opens the replaced one without asking', () => {
    render(view(studio(withPhotos)));
    choose();
    const [read] = of('transfer/readProject');
    expect(screen.getByTestId('project-status').dataset.status).toBe('reading');
    act(() => fakeWorker.reply({ type: 'transfer/projectRead', requestId: read.requestId, summary }));
    expect(screen.getByTestId('project-confirm').textContent).toContain('(3 photos in 2 classes) with the one in this file (7 photos in 2 classes)');
    fireEvent.click(screen.getByTestId('project-cancel'));
    expect(screen.queryByTestId('project-confirm')).toBeNull();
    expect(of('transfer/openProject')).toHaveLength(0);

    choose();
    const second = of('transfer/readProject')[1];
    act(() => fakeWorker.reply({ type: 'transfer/projectRead', requestId: second.requestId, summary }));
    fireEvent.click(screen.getByTestId('project-replace'));
    const [open] = of('transfer/openProject');
    expect(open.requestId).toBe(second.requestId);
    expect(open.current).toEqual({ classes: [{ id: 'c0', name: 'cats', imageIds: ['i1', 'i2'] }, { id: 'c1', name: 'dogs', imageIds: ['i3'] }], head: DEFAULT_HEAD, base: 'mobilenet_v2_0.35' });
    expect(open.source.kind).toBe('auto');

    const undo = new Blob(['old project']);
    act(() => fakeWorker.reply({ type: 'transfer/projectOpened', requestId: open.requestId, classes: [{ id: 'n0', name: 'x' }, { id: 'n1', name: 'y' }], images: [], head: DEFAULT_HEAD, base: 'mobilenet_v1_0.25', trainedLabels: ['x', 'y'], undo }));
    // The new class list is saved (the contract), then the replaced photos go.
    expect(readSettings()?.classes).toEqual([{ id: 'n0', name: 'x' }, { id: 'n1', name: 'y' }]);
    expect(readSettings()?.base).toBe('mobilenet_v1_0.25');
    expect(of('transfer/removeImages')).toEqual([{ type: 'transfer/removeImages', imageIds: ['i1', 'i2', 'i3'] }]);
    expect(screen.getByTestId('project-status').dataset.status).toBe('opened');
    expect(screen.getByTestId('project-status').textContent).toContain('2 classes, 7 photos, on MobileNet v1 0.25');

    fireEvent.click(screen.getByTestId('project-undo'));
    const undoRead = of('transfer/readProject')[2];
    expect(undoRead.file).toBe(undo);
    act(() => fakeWorker.reply({ type: 'transfer/projectRead', requestId: undoRead.requestId, summary }));
    expect(screen.queryByTestId('project-confirm')).toBeNull();
    const undoOpen = of('transfer/openProject')[1];
    act(() => fakeWorker.reply({ type: 'transfer/projectOpened', requestId: undoOpen.requestId, classes: [], images: [], head: DEFAULT_HEAD, base: 'mobilenet_v2_0.35', trainedLabels: null, undo: new Blob(['redo']) }));
    expect(screen.getByTestId('project-status').dataset.status).toBe('undone');
    expect(screen.queryByTestId('project-undo')).toBeNull();
  });

  it('an empty studio opens without asking; an error shows its own message; a stale reply is ignored', () => {
    render(view(studio([{ id: 'c0', name: 'a', images: [] }])));
    choose();
    const [read] = of('transfer/readProject');
    act(() => fakeWorker.reply({ type: 'transfer/projectRead', requestId: read.requestId, summary }));
    expect(screen.queryByTestId('project-confirm')).toBeNull();
    expect(of('transfer/openProject')).toHaveLength(1);
    act(() => fakeWorker.reply({ type: 'transfer/projectFailed', requestId: read.requestId, code: 'projectNewer', detail: '3' }));
    const status = screen.getByTestId('project-status');
    expect(status.dataset.code).toBe('projectNewer');
    expect(status.textContent).toContain('format 3; this version reads up to 1');
    act(() => fakeWorker.reply({ type: 'transfer/projectFailed', requestId: read.requestId - 1, code: 'projectCorrupt' }));
    expect(screen.getByTestId('project-status').dataset.code).toBe('projectNewer');
  });

  it('Save project sends the project and downloads the file', () => {
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    render(view(studio(withPhotos)));
    fireEvent.click(screen.getByTestId('save-project'));
    expect(of('transfer/saveProject')[0]).toMatchObject({ base: 'mobilenet_v2_0.35', classes: [{ id: 'c0', imageIds: ['i1', 'i2'] }, { id: 'c1', imageIds: ['i3'] }] });
    act(() => fakeWorker.reply({ type: 'transfer/projectSaved', name: 'neural-playground-project.zip', blob: new Blob(['zip']), photos: 3, skipped: 0 }));
    expect(click).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('project-status').dataset.photos).toBe('3');
  });
});
