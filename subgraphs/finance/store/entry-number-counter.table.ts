/** finance.entry_number_counter: the last entry number given out per year (row-locked while posting). */
export interface EntryNumberCounterTable {
  year: number;
  last_value: number;
}
