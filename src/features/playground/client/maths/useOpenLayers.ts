import { useEffect, useState } from 'react';
import type { Phase } from '../phases';

/**
 * Which layers of a panel are open: the user's choice, else `openByDefault`; a layer is opened when
 * the walkthrough reaches it (phase of `kind`) or a highlighted weight is in it. Closed layers
 * render nothing, which keeps big networks cheap to redraw while training.
 */
export function useOpenLayers(kind: 'forward' | 'backward', phase: Phase | null, openByDefault: (l: number) => boolean, highlightLayer: number | null = null) {
  const [toggled, setToggled] = useState<Record<number, boolean>>({});
  const openLayer = (l: number) => setToggled((previous) => (previous[l] ? previous : { ...previous, [l]: true }));
  const phaseLayer = phase?.kind === kind ? phase.layer : null;
  useEffect(() => {
    if (phaseLayer !== null) openLayer(phaseLayer);
  }, [phaseLayer]);
  useEffect(() => {
    if (highlightLayer !== null) openLayer(highlightLayer);
  }, [highlightLayer]);
  const isOpen = (l: number) => toggled[l] ?? openByDefault(l);
  const setOpen = (l: number, open: boolean) => setToggled((previous) => (previous[l] === open ? previous : { ...previous, [l]: open }));
  return { isOpen, setOpen };
}
