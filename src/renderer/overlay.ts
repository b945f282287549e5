// What is drawn over the heatmaps for the cell under the pointer (or the keyboard cursor while the
// heatmaps have focus): a vertical crosshair through every gate, a horizontal one in each shown gate,
// the cursor box, and the tooltip with the cell's values. Positions are CSS pixels inside the stack.
import { cellReport, type OwnUnit } from './cell-report';
import { el } from './dom';
import { fillTooltip } from './tooltip';
import type { ViewContext } from './view-context';

/** The cell under the pointer: a step and a display row (and the unit, on a panel with units of its own). */
export interface Hover {
  step: number;
  row: number;
  own?: OwnUnit;
}

interface Geometry {
  plotLeft: number;
  rowTops: number[];
  stackTop: number;
  width: number;
}

export class Overlay {
  readonly tooltip: HTMLElement;
  private readonly xhairV: HTMLElement;
  private readonly xhairH: HTMLElement[];
  private readonly cursorBox: HTMLElement;
  /** The cell under the pointer, if any (set by the input code). */
  hover: Hover | undefined;
  private geom: Geometry | undefined;

  constructor(private readonly v: ViewContext) {
    this.xhairV = el('div', 'gs-xhair-v');
    this.xhairH = v.allNames.map(() => el('div', 'gs-xhair-h'));
    this.cursorBox = el('div', 'gs-cursor');
    this.tooltip = el('div', 'gs-tooltip', undefined, { role: 'tooltip' });
  }

  /** The elements that go inside the stack (the tooltip goes in the root, outside the stack's clipping). */
  get stackElements(): HTMLElement[] {
    return [this.xhairV, ...this.xhairH, this.cursorBox];
  }

  /** Forgets measured positions (after a layout or a label change). */
  forgetGeometry(): void {
    this.geom = undefined;
  }

  /** Positions of the plots inside the stack, read once per layout (reading them per hover would force a layout). */
  private geometry(): Geometry {
    const v = this.v;
    return (this.geom ??= {
      plotLeft: v.panels[v.data.names[0]!]!.plot.offsetLeft + 1,
      rowTops: v.allNames.map((g) => v.panels[g]!.row.offsetTop + 1),
      stackTop: v.stack.offsetTop,
      width: v.root.clientWidth,
    });
  }

  draw(): void {
    const v = this.v;
    const focused = document.activeElement === v.stack;
    const focusCell = this.hover ?? (focused ? v.state.cursor : undefined);
    const show = (e: HTMLElement, on: boolean) => (e.style.display = on ? 'block' : 'none');
    if (!focusCell) {
      show(this.xhairV, false);
      for (const h of this.xhairH) show(h, false);
      show(this.tooltip, false);
      show(this.cursorBox, false);
      return;
    }
    const g = this.geometry();
    const { step, row } = focusCell;
    const s = v.steps;
    const u = v.units;
    const pxS = v.plotWidth / (s.end - s.start);
    const pxU = v.gateHeight / (u.end - u.start);
    const x = g.plotLeft + (step + 0.5 - s.start) * pxS;
    const dy = (row + 0.5 - u.start) * pxU;
    show(this.xhairV, true);
    this.xhairV.style.left = `${x}px`;
    for (let i = 0; i < v.allNames.length; i++) {
      const h = this.xhairH[i]!;
      show(h, v.data.names.includes(v.allNames[i]!));
      h.style.top = `${g.rowTops[i]! + dy}px`;
      h.style.left = `${g.plotLeft}px`;
      h.style.width = `${v.plotWidth}px`;
    }
    const cursor = v.state.cursor;
    if (cursor && focused) {
      show(this.cursorBox, true);
      this.cursorBox.style.left = `${g.plotLeft + (cursor.step - s.start) * pxS}px`;
      this.cursorBox.style.top = `${g.rowTops[0]! + (cursor.row - u.start) * pxU}px`;
      this.cursorBox.style.width = `${Math.max(2, pxS)}px`;
      this.cursorBox.style.height = `${Math.max(2, pxU)}px`;
    } else show(this.cursorBox, false);
    fillTooltip(this.tooltip, cellReport(v, step, row, this.hover?.own));
    show(this.tooltip, true);
    // Right of the crosshair, or left of it past the middle (no measuring: a transform flips it).
    this.tooltip.style.left = `${x + 14}px`;
    this.tooltip.style.transform = x > g.width / 2 ? 'translateX(calc(-100% - 28px))' : 'none';
    this.tooltip.style.top = `${g.stackTop + g.rowTops[0]! + dy + 12}px`;
  }
}
