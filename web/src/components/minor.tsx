/** Amounts by currency in minor units ({ USD: 120050 }) as money, each in its currency. */
import { useI18n } from '../i18n/index.tsx';
import { minorToAmount } from '../money.ts';

export function Amounts({ minor }: { minor: Record<string, number> | null | undefined }) {
  const { money } = useI18n();
  const entries = Object.entries(minor ?? {});
  if (entries.length === 0) return <>—</>;
  return (
    <>
      {entries.map(([c, m], i) => (
        <span key={c}>
          {i > 0 && ', '}
          {money(minorToAmount(m, c), c)}
        </span>
      ))}
    </>
  );
}
