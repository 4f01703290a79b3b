import { Group, Stack, Text } from '@mantine/core';
import { t, type Vitals } from '@tend/domain';
import { useSession } from '../auth/session';
import { formatDate } from '../components/format';
import { unitSystemOf, weightIn } from './units';

/**
 * Small trend charts for blood pressure and weight (our own SVG: @mantine/charts is not installed
 * and a chart library is too heavy for two sparklines). Each chart is one image with a text
 * alternative that reads the values out.
 */

interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

const W = 280;
const H = 96;
const PAD = { left: 30, right: 8, top: 8, bottom: 18 };

function LineChart({ label, dates, series }: { label: string; dates: string[]; series: Series[] }) {
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  if (all.length === 0) return null;
  let min = Math.min(...all);
  let max = Math.max(...all);
  if (max - min < 10) {
    const mid = (max + min) / 2;
    min = mid - 5;
    max = mid + 5;
  }
  const span = max - min;
  min -= span * 0.1;
  max += span * 0.1;
  const n = dates.length;
  const x = (i: number) =>
    PAD.left + (n === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + ((max - v) * (H - PAD.top - PAD.bottom)) / (max - min);
  const ticks = [max - (max - min) * 0.1, min + (max - min) * 0.1].map((v) => Math.round(v));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={label} style={{ display: 'block' }}>
      <title>{label}</title>
      {ticks.map((tick) => (
        <g key={tick}>
          <line
            x1={PAD.left}
            x2={W - PAD.right}
            y1={y(tick)}
            y2={y(tick)}
            stroke="var(--mantine-color-gray-3)"
            strokeDasharray="3 3"
          />
          <text x={PAD.left - 4} y={y(tick) + 3} fontSize="9" textAnchor="end" fill="var(--mantine-color-gray-7)">
            {tick}
          </text>
        </g>
      ))}
      {series.map((s) => {
        const points = s.values
          .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
          .filter(Boolean)
          .join(' ');
        return (
          <g key={s.name}>
            <polyline points={points} fill="none" stroke={s.color} strokeWidth={2} strokeLinejoin="round" />
            {s.values.map((v, i) =>
              v === null ? null : <circle key={dates[i] + String(i)} cx={x(i)} cy={y(v)} r={2.8} fill={s.color} />,
            )}
          </g>
        );
      })}
      <text x={PAD.left} y={H - 4} fontSize="9" fill="var(--mantine-color-gray-7)">
        {dates[0]}
      </text>
      {n > 1 && (
        <text x={W - PAD.right} y={H - 4} fontSize="9" textAnchor="end" fill="var(--mantine-color-gray-7)">
          {dates[n - 1]}
        </text>
      )}
    </svg>
  );
}

function Legend({ items }: { items: { name: string; color: string }[] }) {
  return (
    <Group gap="sm" aria-hidden>
      {items.map((item) => (
        <Group key={item.name} gap={4}>
          <span style={{ width: 10, height: 3, background: item.color, display: 'inline-block', borderRadius: 2 }} />
          <Text size="xs" c="dimmed">
            {item.name}
          </Text>
        </Group>
      ))}
    </Group>
  );
}

export function TrendCharts({ vitals }: { vitals: Vitals[] }) {
  const { clinic } = useSession();
  const system = unitSystemOf(clinic);
  // Oldest first, the last ten readings.
  const recent = [...vitals].sort((a, b) => a.takenAt.localeCompare(b.takenAt)).slice(-10);
  const bp = recent.filter((v) => v.systolic !== null && v.diastolic !== null);
  const weight = recent.filter((v) => v.weightKg !== null);
  const day = (v: Vitals) => formatDate(v.takenAt.slice(0, 10)).replace(/, \d{4}$/, '');
  if (bp.length === 0 && weight.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('visit.trendsNone')}
      </Text>
    );
  }
  const unit = system === 'us' ? 'lb' : 'kg';
  return (
    <Stack gap="sm">
      {bp.length > 0 && (
        <div>
          <Group justify="space-between" mb={2}>
            <Text size="sm" fw={600}>
              {t('visit.trendBp')}
            </Text>
            <Legend
              items={[
                { name: t('visit.systolic'), color: 'var(--mantine-color-red-7)' },
                { name: t('visit.diastolic'), color: 'var(--mantine-color-blue-7)' },
              ]}
            />
          </Group>
          <LineChart
            label={t('visit.trendBpLabel', {
              values: bp.map((v) => `${day(v)} ${v.systolic}/${v.diastolic}`).join(', '),
            })}
            dates={bp.map(day)}
            series={[
              { name: 'systolic', color: 'var(--mantine-color-red-7)', values: bp.map((v) => v.systolic) },
              { name: 'diastolic', color: 'var(--mantine-color-blue-7)', values: bp.map((v) => v.diastolic) },
            ]}
          />
        </div>
      )}
      {weight.length > 0 && (
        <div>
          <Text size="sm" fw={600} mb={2}>
            {t('visit.trendWeight', { unit })}
          </Text>
          <LineChart
            label={t('visit.trendWeightLabel', {
              values: weight.map((v) => `${day(v)} ${weightIn(v.weightKg ?? 0, system)} ${unit}`).join(', '),
            })}
            dates={weight.map(day)}
            series={[
              {
                name: 'weight',
                color: 'var(--mantine-color-tend-8)',
                values: weight.map((v) => (v.weightKg === null ? null : weightIn(v.weightKg, system))),
              },
            ]}
          />
        </div>
      )}
    </Stack>
  );
}
