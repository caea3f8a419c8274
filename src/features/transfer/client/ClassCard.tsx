/** One class: its name, its images (thumbnails only), and every way to add more (files, folders, paste, webcam). */
import { memo, useState, type ClipboardEvent, type DragEvent } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { Icon } from '../../../app/Icon';
import { filesFromDataTransfer } from './filesFromDrop';
import type { ClassView } from './useTransfer';
import { WebcamCapture } from './WebcamCapture';

interface Props {
  view: ClassView;
  adding: { done: number; total: number } | null;
  canDelete: boolean;
  duplicateName: boolean;
  /** the studio's own (stable) actions, given the class's id: the card then redraws only when its class changes */
  onRename(classId: string, name: string): void;
  onDelete(classId: string): void;
  onFiles(classId: string, files: File[]): void;
  onRemoveImage(classId: string, imageId: string): void;
}

/**
 * Memoised: the studio redraws on every training epoch, and a class can hold hundreds of
 * thumbnails; a card redraws only when its own props change.
 */
export const ClassCard = memo(function ClassCard({ view, adding, canDelete, duplicateName, onRename: renameClass, onDelete: deleteClass, onFiles: addFiles, onRemoveImage: removeImage }: Props) {
  const { t } = useI18n();
  const onRename = (name: string) => renameClass(view.id, name);
  const onDelete = () => deleteClass(view.id);
  const onFiles = (files: File[]) => addFiles(view.id, files);
  const onRemoveImage = (imageId: string) => removeImage(view.id, imageId);
  const [dragging, setDragging] = useState(false);
  const drop = async (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    onFiles(await filesFromDataTransfer(event.dataTransfer));
  };
  const paste = (event: ClipboardEvent<HTMLElement>) => {
    const files = Array.from(event.clipboardData.files);
    if (files.length > 0) {
      event.preventDefault();
      onFiles(files);
    }
  };
  const inputId = `files-${view.id}`;
  return (
    <section
      className={`class-card${dragging ? ' dragging' : ''}`}
      data-testid="class-card"
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
      onPaste={paste}
      aria-label={t('transfer.class.label', { name: view.name })}
    >
      <header className="class-header">
        <input
          className="class-name"
          data-testid="class-name"
          value={view.name}
          aria-label={t('transfer.class.name')}
          aria-invalid={view.name.trim() === '' || duplicateName}
          onChange={(event) => onRename(event.target.value)}
        />
        <span className="class-count" data-testid="class-count">{t('transfer.class.count', { count: view.images.length })}</span>
        <button type="button" onClick={onDelete} disabled={!canDelete} aria-label={t('transfer.class.delete', { name: view.name })} data-testid="delete-class" className="icon-only"><Icon name="trash" /></button>
      </header>
      {(view.name.trim() === '' || duplicateName) && <p className="field-error">{view.name.trim() === '' ? t('transfer.class.emptyName') : t('transfer.class.duplicateName')}</p>}
      <div className="drop-zone" tabIndex={0} aria-describedby={`${inputId}-hint`}>
        <p id={`${inputId}-hint`}>{t('transfer.class.dropHint')}</p>
        <label className="file-button">
          {t('transfer.class.pick')}
          <input id={inputId} type="file" accept="image/*" multiple onChange={(event) => { onFiles(Array.from(event.target.files ?? [])); event.target.value = ''; }} />
        </label>
      </div>
      <WebcamCapture onFiles={onFiles} />
      {adding && (
        <progress className="add-progress" max={adding.total} value={adding.done} aria-label={t('transfer.class.adding', { done: adding.done, total: adding.total })} />
      )}
      <ul className="thumbnails">
        {view.images.map((image) => (
          <li key={image.id} data-image-id={image.id} className={image.saved === false ? 'unsaved' : undefined}>
            <img src={image.url} alt={image.saved === false ? t('storage.unsavedPhoto', { name: image.name }) : image.name} width={48} height={48} />
            {image.saved === false && <span className="unsaved-mark" aria-hidden="true">!</span>}
            <button type="button" className="remove-image" onClick={() => onRemoveImage(image.id)} aria-label={t('transfer.class.removeImage', { name: image.name })}><Icon name="close" size={12} /></button>
          </li>
        ))}
      </ul>
    </section>
  );
});
