// Tables: telling data tables from layout tables, and laying a data table out as a grid with
// rowspan and colspan expanded, so every Markdown row has the same columns as its header.
import { elementsOf, isTag, type Element } from './dom';

/** Spans above these are treated as markup errors and clamped, so one cell cannot allocate a huge grid. */
const MAX_COLSPAN = 100;
const MAX_ROWSPAN = 500;
const MAX_GRID_CELLS = 200_000;

/** Rows of this table only (not of nested tables), in document order. */
export function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of table.children) {
    if (!isTag(child)) continue;
    if (child.name === 'tr') rows.push(child);
    if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') {
      for (const row of child.children) if (isTag(row) && row.name === 'tr') rows.push(row);
    }
  }
  return rows;
}

export function rowCells(row: Element): Element[] {
  return row.children.filter((cell): cell is Element => isTag(cell) && (cell.name === 'td' || cell.name === 'th'));
}

/**
 * Decides whether a table contains data rather than positioning the page. Layout tables nest
 * other tables, wrap code listings or paragraphs, or have a single row or column.
 */
export function isDataTable(table: Element): boolean {
  const role = (table.attribs.role ?? '').toLowerCase();
  if (role === 'presentation' || role === 'none') return false;

  let hasHeaderMarkup = Boolean(table.attribs.summary);
  for (const element of elementsOf(table)) {
    if (element.name === 'table' || element.name === 'pre') return false;
    if (element.name === 'th' || element.name === 'thead' || element.name === 'caption') hasHeaderMarkup = true;
  }

  const rows = tableRows(table);
  const columns = Math.max(0, ...rows.map((row) => rowCells(row).reduce((sum, cell) => sum + span(cell, 'colspan', MAX_COLSPAN), 0)));
  if (rows.length < 2 || columns < 2) return false;
  if (blockHeavyCells(rows)) return false;
  if (hasHeaderMarkup) return true;
  return rows.length * columns >= 6;
}

/** Layout tables put whole paragraphs and sections in their cells. */
function blockHeavyCells(rows: Element[]): boolean {
  let blocks = 0;
  for (const row of rows) {
    for (const cell of rowCells(row)) {
      for (const element of elementsOf(cell)) {
        if (element.name === 'p' || element.name === 'div' || element.name === 'ul' || element.name === 'h2' || element.name === 'h3') {
          blocks += 1;
        }
      }
    }
  }
  return blocks > rows.length * 3;
}

function span(cell: Element, attribute: 'colspan' | 'rowspan', max: number): number {
  const value = Number.parseInt(cell.attribs[attribute] ?? '1', 10);
  if (!Number.isFinite(value) || value < 1) return 1;
  return Math.min(value, max);
}

export interface TableGrid {
  rows: string[][];
  headerRows: number;
}

/** Lays the table out as a rectangular grid of rendered cell texts, repeating spanned cells. */
export function tableGrid(table: Element, renderCell: (cell: Element) => string): TableGrid {
  const rows = tableRows(table);
  const grid: string[][] = [];
  let cellsAllocated = 0;

  rows.forEach((row, rowIndex) => {
    grid[rowIndex] ??= [];
    let column = 0;
    for (const cell of rowCells(row)) {
      while (grid[rowIndex]![column] !== undefined) column += 1;
      const text = renderCell(cell);
      const colspan = span(cell, 'colspan', MAX_COLSPAN);
      const rowspan = Math.min(span(cell, 'rowspan', MAX_ROWSPAN), rows.length - rowIndex);
      for (let r = 0; r < rowspan; r++) {
        const target = (grid[rowIndex + r] ??= []);
        for (let c = 0; c < colspan; c++) {
          if (cellsAllocated >= MAX_GRID_CELLS) return;
          target[column + c] = text;
          cellsAllocated += 1;
        }
      }
      column += colspan;
    }
  });

  const width = Math.max(0, ...grid.map((row) => row.length));
  const filled = grid.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ''));
  return { rows: filled, headerRows: countHeaderRows(rows) };
}

function countHeaderRows(rows: Element[]): number {
  let count = 0;
  for (const row of rows) {
    const inHead = isTag(row.parent!) && (row.parent as Element).name === 'thead';
    const allHeaderCells = rowCells(row).length > 0 && rowCells(row).every((cell) => cell.name === 'th');
    if (!inHead && !allHeaderCells) break;
    count += 1;
  }
  return count;
}

/**
 * Formats the grid as a Markdown table. Markdown allows one header row, so extra header rows become body rows, and
 * a table without header markup uses its first row as the header.
 */
export function gridToMarkdown(grid: TableGrid): string {
  const rows = grid.rows.filter((row) => row.some((cell) => cell !== ''));
  if (rows.length === 0) return '';
  // NOTE: GFM needs `|` escaped in every cell, so TeX such as `|x|` inside a cell reads `\|x\|`.
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();
  const line = (row: string[]): string => `| ${row.map(escape).join(' | ')} |`;
  const [header, ...body] = rows;
  const separator = `| ${header!.map(() => '---').join(' | ')} |`;
  return [line(header!), separator, ...body.map(line)].join('\n');
}
