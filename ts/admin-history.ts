/**
 * The work-history rows of the profile form (admin/profile.html, `[data-history]`).
 *
 * Without JavaScript each row has an "Order" number: the server sorts the rows by it, and
 * the page ends with empty rows for new roles. This module adds
 * - "Move up" / "Move down" on each row: they swap the row with its neighbour and renumber
 *   every row's Order field, so what is sent is what is seen;
 * - "Add another role": a new empty row at the end (a copy of the last row, cleared).
 * Each change is announced in a polite status region, and focus stays on the button used.
 */
const LIST = "[data-history]";
const ROW = "[data-history-row]";
const MAX_ROWS = 40;

function rows(list: Element): HTMLFieldSetElement[] {
  return Array.from(list.querySelectorAll<HTMLFieldSetElement>(ROW));
}

/** Gives every row its number: Order field, legend, ids and labels follow the page order. */
function renumber(list: Element): void {
  rows(list).forEach((row, index) => {
    const n = String(index + 1);
    for (const span of row.querySelectorAll("[data-history-number]")) span.textContent = n;
    const position = row.querySelector<HTMLInputElement>("[data-history-position]");
    if (position) position.value = n;
    const up = row.querySelector<HTMLButtonElement>('[data-history-move="up"]');
    const down = row.querySelector<HTMLButtonElement>('[data-history-move="down"]');
    if (up) up.disabled = index === 0;
    if (down) down.disabled = index === rows(list).length - 1;
  });
}

function announce(list: Element, message: string): void {
  const status = list.parentElement?.querySelector("[data-history-status]");
  if (!status) return;
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = message;
  }, 50);
}

function rowLabel(row: Element): string {
  const company = row.querySelector<HTMLInputElement>('input[name="history_company"]')?.value.trim();
  const role = row.querySelector<HTMLInputElement>('input[name="history_role"]')?.value.trim();
  if (role && company) return `${role} at ${company}`;
  return role || company || "The empty role";
}

function move(button: HTMLButtonElement, direction: "up" | "down"): void {
  const row = button.closest(ROW);
  const list = row?.closest(LIST);
  if (!row || !list) return;
  const sibling = direction === "up" ? row.previousElementSibling : row.nextElementSibling;
  if (!sibling?.matches(ROW)) return;
  if (direction === "up") sibling.before(row);
  else sibling.after(row);
  renumber(list);
  // Moving the row took focus with it; give it back (or to the other button at an end).
  const other = row.querySelector<HTMLButtonElement>(`[data-history-move="${direction === "up" ? "down" : "up"}"]`);
  (button.disabled ? other : button)?.focus();
  const place = rows(list).indexOf(row as HTMLFieldSetElement) + 1;
  announce(list, `${rowLabel(row)} moved ${direction}: now role ${place} of ${rows(list).length}.`);
}

function addRow(list: Element): void {
  const all = rows(list);
  const last = all[all.length - 1];
  if (!last || all.length >= MAX_ROWS) return;
  const copy = last.cloneNode(true) as HTMLFieldSetElement;
  const n = all.length + 1;
  for (const field of copy.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")) {
    if (field.type !== "number") field.value = "";
    field.removeAttribute("aria-invalid");
  }
  // New ids: history-N-company and so on, with labels and hints to match.
  for (const el of copy.querySelectorAll<HTMLElement>("[id]")) el.id = el.id.replace(/^history-\d+-/, `history-${n}-`);
  for (const label of copy.querySelectorAll<HTMLLabelElement>("label[for]")) {
    label.htmlFor = label.htmlFor.replace(/^history-\d+-/, `history-${n}-`);
  }
  for (const el of copy.querySelectorAll<HTMLElement>("[aria-describedby]")) {
    const ids = el.getAttribute("aria-describedby") ?? "";
    el.setAttribute("aria-describedby", ids.replace(/history-\d+-/g, `history-${n}-`));
  }
  const legend = copy.querySelector("legend");
  if (legend && !legend.querySelector(".muted")) {
    const note = document.createElement("span");
    note.className = "muted";
    note.textContent = "(empty)";
    legend.append(" ", note);
  }
  last.after(copy);
  renumber(list);
  copy.querySelector<HTMLInputElement>('input[name="history_company"]')?.focus();
  announce(list, `Role ${n} added.`);
}

function enhance(list: Element): void {
  for (const tools of list.querySelectorAll<HTMLElement>("[data-history-tools]")) tools.hidden = false;
  const addWrap = list.parentElement?.querySelector<HTMLElement>("[data-history-add-wrap]");
  if (addWrap) addWrap.hidden = false;
  renumber(list);
}

export function initAdminHistory(): void {
  const start = () => {
    for (const list of document.querySelectorAll(LIST)) enhance(list);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const moveButton = target?.closest<HTMLButtonElement>("[data-history-move]");
    if (moveButton) {
      const direction = moveButton.dataset["historyMove"];
      if (direction === "up" || direction === "down") move(moveButton, direction);
      return;
    }
    const add = target?.closest("[data-history-add]");
    if (add) {
      const list = add.closest("section")?.querySelector(LIST);
      if (list) addRow(list);
    }
  });
}
