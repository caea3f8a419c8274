/** Validation accuracy, per-class accuracy and the confusion matrix; a cell lists its images. */
import { useState } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import type { Evaluation } from '../../../worker/protocol';
import type { ClassView } from './useTransfer';

interface Props {
  evaluation: Evaluation;
  classNames: string[];
  classes: ClassView[];
}

export function EvaluationPanel({ evaluation, classNames, classes }: Props) {
  const { t } = useI18n();
  const [cell, setCell] = useState<[number, number] | null>(null);
  const { confusion, valAccuracy, cellImages } = evaluation;
  const thumbnail = (imageId: string) => classes.flatMap((c) => c.images).find((image) => image.id === imageId);
  const max = Math.max(1, ...confusion.flat());
  return (
    <section className="evaluation" aria-label={t('transfer.evaluate.title')}>
      <h2>{t('transfer.evaluate.title')}</h2>
      <p>
        {t('transfer.evaluate.valAccuracy')} <strong data-testid="val-accuracy">{Number.isFinite(valAccuracy) ? valAccuracy.toFixed(3) : '—'}</strong>
      </p>
      <table className="confusion" data-testid="confusion-matrix">
        <caption>{t('transfer.evaluate.confusion')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('transfer.evaluate.trueVsPredicted')}</th>
            {classNames.map((name, k) => <th key={k} scope="col">{name}</th>)}
            <th scope="col">{t('transfer.evaluate.classAccuracy')}</th>
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, actual) => {
            const total = row.reduce((a, b) => a + b, 0);
            return (
              <tr key={actual}>
                <th scope="row">{classNames[actual]}</th>
                {row.map((count, predicted) => (
                  <td key={predicted} style={{ background: `rgba(8, 119, 189, ${count / max})`, color: count / max > 0.5 ? '#fff' : '#222' }}>
                    <button type="button" onClick={() => setCell([actual, predicted])} aria-label={t('transfer.evaluate.cell', { actual: classNames[actual], predicted: classNames[predicted], count })}>{count}</button>
                  </td>
                ))}
                <td>{total ? (row[actual] / total).toFixed(2) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {cell && (
        <div className="cell-images">
          <p>{t('transfer.evaluate.cellImages', { actual: classNames[cell[0]], predicted: classNames[cell[1]] })}</p>
          <ul className="thumbnails">
            {cellImages[cell[0]][cell[1]].map((id) => {
              const image = thumbnail(id);
              return image ? <li key={id}><img src={image.url} alt={image.name} width={48} height={48} /></li> : null;
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
