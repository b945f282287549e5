// DOM helpers. Text from documents only ever enters the page as text nodes (textContent), never as
// markup: tokens, names and warnings can hold anything.

type Attrs = Record<string, string>;

/** Creates an element with a class, optional text (as a text node) and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string, attrs?: Attrs): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]!);
  return e;
}

/** A <select> with (value, label) options and an accessible label. */
export function select(label: string, options: readonly (readonly [string, string])[], value: string): HTMLSelectElement {
  const s = el('select', 'gs-select', undefined, { 'aria-label': label, title: label });
  for (const [v, text] of options) {
    const o = el('option', undefined, text);
    o.value = v;
    s.append(o);
  }
  s.value = value;
  return s;
}

/** A labelled control: "<label>text <control></label>". */
export function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const l = el('label', 'gs-field');
  l.append(el('span', 'gs-field-label', text), control);
  return l;
}

export function button(text: string, title: string): HTMLButtonElement {
  const b = el('button', 'gs-button', text, { type: 'button', title });
  return b;
}
