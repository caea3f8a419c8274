import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useI18n } from '../../../i18n/I18nProvider';
import type { LossPoint } from './lossHistory';

/** Train and test loss against epochs (recharts; no animation, bounded history). */
export const LossChart = memo(function LossChart({ history }: { history: LossPoint[] }) {
  const { t } = useI18n();
  const data = history.filter((p) => Number.isFinite(p.train) && Number.isFinite(p.test));
  return (
    <div className="loss-chart" aria-label={t('output.lossChart')} role="img">
      <ResponsiveContainer width="100%" height={140}>
        <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis dataKey="epoch" type="number" domain={[0, 'dataMax']} tickFormatter={(v: number) => String(Math.round(v))} fontSize={10} />
          <YAxis fontSize={10} domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(2)} />
          <Tooltip formatter={(value) => Number(value).toFixed(4)} labelFormatter={(label) => t('output.epochLabel', { epoch: Number(label).toFixed(1) })} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          <Line type="monotone" dataKey="train" name={t('output.trainLoss')} stroke="#555" dot={false} isAnimationActive={false} strokeWidth={1.5} />
          <Line type="monotone" dataKey="test" name={t('output.testLoss')} stroke="#0877bd" dot={false} isAnimationActive={false} strokeWidth={1.5} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});
