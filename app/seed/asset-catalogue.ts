/**
 * What the sample company owns: categories with their models, how serial
 * numbers of each maker look, price bands, useful lives, how likely an item is
 * to be handed to someone, and the maintenance it typically needs.
 */

export type DepreciationMethod = 'STRAIGHT_LINE' | 'DECLINING_BALANCE';

export interface AssetModel {
  name: string;
  /** Serial numbers start with this and go on with `serialLength` characters of `serialAlphabet`; null when the maker prints none. */
  serialPrefix: string | null;
  serialLength: number;
  serialAlphabet: string;
}

export interface AssetCategoryTemplate {
  name: string;
  tagPrefix: string;
  models: readonly AssetModel[];
  /** Acquisition cost band in EUR. */
  cost: readonly [min: number, max: number];
  usefulLifeMonths: number;
  method: DepreciationMethod;
  /** Salvage value as a percentage band of the cost. */
  salvagePercent: readonly [min: number, max: number];
  /** Share of the register in this category. */
  weight: number;
  /** Chance an item of this category is handed to someone rather than kept in stock. */
  assignRate: number;
  locations: readonly string[];
  maintenance: readonly string[];
  /** Cost band of one maintenance job in EUR. */
  maintenanceCost: readonly [min: number, max: number];
}

const UPPER_ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const DIGITS = '0123456789';
const HEX = '0123456789ABCDEF';
const VIN = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

const model = (name: string, serialPrefix: string | null, serialLength: number, serialAlphabet = UPPER_ALNUM): AssetModel => ({
  name,
  serialPrefix,
  serialLength,
  serialAlphabet,
});

const OFFICES = ['Berlin HQ - Floor 2', 'Berlin HQ - Floor 3', 'Hamburg Office', 'Munich Office'];

export const ASSET_CATEGORIES: readonly AssetCategoryTemplate[] = [
  {
    name: 'Laptops',
    tagPrefix: 'LAP',
    weight: 30,
    assignRate: 0.9,
    models: [
      model('Dell Latitude 7440', '', 7),
      model('Lenovo ThinkPad T14 Gen 4', 'PF', 6),
      model('Apple MacBook Pro 14', 'C02', 9),
      model('HP EliteBook 840 G10', '5CG', 7),
    ],
    cost: [950, 2_800],
    usefulLifeMonths: 36,
    method: 'STRAIGHT_LINE',
    salvagePercent: [5, 10],
    locations: [...OFFICES, 'Central Warehouse'],
    maintenance: ['Battery replacement', 'Keyboard replacement', 'Screen repair', 'Annual health check'],
    maintenanceCost: [60, 450],
  },
  {
    name: 'Monitors',
    tagPrefix: 'MON',
    weight: 22,
    assignRate: 0.75,
    models: [model('Dell UltraSharp U2723QE', 'CN0', 12), model('LG 27UP850-W', '3', 9, DIGITS), model('Samsung ViewFinity S6', 'H4ZR', 7)],
    cost: [180, 650],
    usefulLifeMonths: 60,
    method: 'STRAIGHT_LINE',
    salvagePercent: [0, 5],
    locations: OFFICES,
    maintenance: ['Panel inspection', 'Stand replacement', 'Cable replacement'],
    maintenanceCost: [20, 150],
  },
  {
    name: 'Mobile Phones',
    tagPrefix: 'PHN',
    weight: 16,
    assignRate: 0.9,
    models: [model('Apple iPhone 15', 'F17', 9), model('Samsung Galaxy S23', 'R5C', 8), model('Google Pixel 8', '3A', 10, DIGITS)],
    cost: [450, 1_250],
    usefulLifeMonths: 24,
    method: 'DECLINING_BALANCE',
    salvagePercent: [8, 12],
    locations: [...OFFICES, 'Central Warehouse'],
    maintenance: ['Screen replacement', 'Battery replacement'],
    maintenanceCost: [80, 300],
  },
  {
    name: 'Office Furniture',
    tagPrefix: 'FUR',
    weight: 18,
    assignRate: 0.45,
    models: [
      model('Steelcase Series 2 chair', null, 0),
      model('Herman Miller Aeron chair', 'AE', 10, DIGITS),
      model('Height-adjustable desk 160x80', null, 0),
      model('Mobile pedestal, 3 drawers', null, 0),
    ],
    cost: [250, 1_600],
    usefulLifeMonths: 120,
    method: 'STRAIGHT_LINE',
    salvagePercent: [0, 0],
    locations: OFFICES,
    maintenance: ['Gas lift replacement', 'Desk motor repair', 'Upholstery cleaning'],
    maintenanceCost: [40, 250],
  },
  {
    name: 'Network Equipment',
    tagPrefix: 'NET',
    weight: 6,
    assignRate: 0.1,
    models: [
      model('Cisco Catalyst 9200 switch', 'FOC', 8),
      model('Ubiquiti UniFi U6 Pro access point', '', 12, HEX),
      model('Fortinet FortiGate 60F', 'FGT60F', 10),
    ],
    cost: [350, 4_800],
    usefulLifeMonths: 60,
    method: 'STRAIGHT_LINE',
    salvagePercent: [0, 5],
    locations: ['Berlin HQ - Server Room', 'Hamburg Office', 'Munich Office'],
    maintenance: ['Firmware upgrade', 'Fan replacement', 'Power supply replacement'],
    maintenanceCost: [50, 400],
  },
  {
    name: 'Vehicles',
    tagPrefix: 'VEH',
    weight: 3,
    assignRate: 0.6,
    models: [
      model('Volkswagen ID.4 Pro', 'WVG', 14, VIN),
      model('Toyota Corolla Touring Sports', 'SB1', 14, VIN),
      model('Ford Transit Custom', 'WF0', 14, VIN),
    ],
    cost: [28_000, 48_000],
    usefulLifeMonths: 72,
    method: 'DECLINING_BALANCE',
    salvagePercent: [15, 25],
    locations: ['Fleet parking Berlin', 'Fleet parking Hamburg'],
    maintenance: ['Annual service', 'Tyre change', 'Brake pads replacement'],
    maintenanceCost: [180, 1_400],
  },
];
