/**
 * ISO 4217 currencies Tandem accepts, with their number of minor-unit digits.
 * The list is explicit rather than derived from Intl so that the set (and the
 * exponent of each) cannot change under us with a Node upgrade.
 */
const MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  // zero-decimal
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  // three-decimal
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  // two-decimal (the common case)
  AED: 2,
  ARS: 2,
  AUD: 2,
  BDT: 2,
  BGN: 2,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  COP: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  GHS: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  KES: 2,
  MAD: 2,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  PEN: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  QAR: 2,
  RON: 2,
  RSD: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  UYU: 2,
  ZAR: 2,
});

export type Currency = string & { readonly __brand: 'Currency' };

export function isCurrency(code: string): code is Currency {
  return Object.hasOwn(MINOR_UNITS, code);
}

/** Number of digits after the decimal point for a known currency. */
export function minorUnits(currency: Currency): number {
  // Credit assets count whole units.
  return MINOR_UNITS[currency] ?? 0;
}

/**
 * A non-cash reward asset an operator names (`SUPPORT_CREDIT`): held in the
 * ledger like money, in whole units, never paid out. Four characters or more,
 * so it can never be mistaken for a three-letter ISO 4217 code.
 */
export function isCreditAsset(code: string): boolean {
  return /^[A-Z][A-Z0-9_]{3,31}$/.test(code);
}

export const supportedCurrencies: readonly string[] = Object.freeze(
  Object.keys(MINOR_UNITS).sort(),
);
