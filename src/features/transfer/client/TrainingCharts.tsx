/** Loss and accuracy per epoch, train and validation, drawn while training runs. */
import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useI18n } from '../../../i18n/I18nProvider';
import type { EpochLogs } from '../../../worker/protocol';

function Chart({ title, data, keys }: { title: string; data: object[]; keys: [string, string, string][] }) {
  return (
    <figure className="training-chart" aria-label={title} role="img">
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={160}>
        <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis dataKey="epoch" fontSize={10} />
          <YAxis fontSize={10} />
          <Tooltip formatter={(value) => Number(value).toFixed(4)} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {keys.map(([key, name, color]) => (
            <Line key={key} dataKey={key} name={name} stroke={color} dot={false} isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

export const TrainingCharts = memo(function TrainingCharts({ history }: { history: EpochLogs[] }) {
  const { t } = useI18n();
  const data = history.map((logs, n) => ({ epoch: n + 1, ...logs }));
  return (
    <div className="training-charts">
      <Chart title={t('transfer.chart.loss')} data={data} keys={[['loss', t('transfer.chart.train'), '#555'], ['valLoss', t('transfer.chart.validation'), '#0877bd']]} />
      <Chart title={t('transfer.chart.accuracy')} data={data} keys={[['acc', t('transfer.chart.train'), '#555'], ['valAcc', t('transfer.chart.validation'), '#0877bd']]} />
    </div>
  );
});
