/**
 * The app's control icons, drawn as inline SVG: no control depends on an emoji or symbol font
 * (Debian's Chromium without emoji fonts drew 🗑 as an empty box). Decorative: the button that
 * holds an icon carries the accessible name (aria-label), so the SVG is aria-hidden.
 */
export const ICONS = {
  trash: 'M5 7h14M10 7V4.5h4V7M7 7l1 13h8l1-13M10.5 10.5v6M13.5 10.5v6',
  close: 'M6 6l12 12M18 6L6 18',
  reset: 'M19 12a7 7 0 1 1-2.05-4.95M19 4.5V9h-4.5',
  play: 'M8 5l11 7-11 7z',
  pause: 'M7 5h3.5v14H7zM13.5 5H17v14h-3.5z',
  upload: 'M12 16V4M7 9l5-5 5 5M5 15v4h14v-4',
  download: 'M12 4v12M7 11l5 5 5-5M5 19h14',
} as const;
export type IconName = keyof typeof ICONS;

/** Shapes that are filled, not stroked. */
const FILLED: ReadonlySet<IconName> = new Set(['play', 'pause']);

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  const filled = FILLED.has(name);
  return (
    <svg
      className="icon"
      data-icon={name}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill={filled ? 'currentColor' : 'none'}
      stroke={filled ? 'none' : 'currentColor'}
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={ICONS[name]} />
    </svg>
  );
}
