/**
 * Countries offered when creating a company, with the defaults the form pre-fills.
 * Latin America first (Charla's first users), then the rest that commonly appear.
 * Names come from Intl.DisplayNames at render time, in the viewer's language.
 */
export const COUNTRIES: readonly { code: string; timeZone: string; currency: string }[] = [
  { code: "AR", timeZone: "America/Argentina/Buenos_Aires", currency: "ARS" },
  { code: "BO", timeZone: "America/La_Paz", currency: "BOB" },
  { code: "BR", timeZone: "America/Sao_Paulo", currency: "BRL" },
  { code: "CL", timeZone: "America/Santiago", currency: "CLP" },
  { code: "CO", timeZone: "America/Bogota", currency: "COP" },
  { code: "CR", timeZone: "America/Costa_Rica", currency: "CRC" },
  { code: "CU", timeZone: "America/Havana", currency: "CUP" },
  { code: "DO", timeZone: "America/Santo_Domingo", currency: "DOP" },
  { code: "EC", timeZone: "America/Guayaquil", currency: "USD" },
  { code: "SV", timeZone: "America/El_Salvador", currency: "USD" },
  { code: "GT", timeZone: "America/Guatemala", currency: "GTQ" },
  { code: "HN", timeZone: "America/Tegucigalpa", currency: "HNL" },
  { code: "MX", timeZone: "America/Mexico_City", currency: "MXN" },
  { code: "NI", timeZone: "America/Managua", currency: "NIO" },
  { code: "PA", timeZone: "America/Panama", currency: "USD" },
  { code: "PY", timeZone: "America/Asuncion", currency: "PYG" },
  { code: "PE", timeZone: "America/Lima", currency: "PEN" },
  { code: "PR", timeZone: "America/Puerto_Rico", currency: "USD" },
  { code: "UY", timeZone: "America/Montevideo", currency: "UYU" },
  { code: "VE", timeZone: "America/Caracas", currency: "VES" },
  { code: "ES", timeZone: "Europe/Madrid", currency: "EUR" },
  { code: "US", timeZone: "America/New_York", currency: "USD" },
  { code: "CA", timeZone: "America/Toronto", currency: "CAD" },
  { code: "GB", timeZone: "Europe/London", currency: "GBP" },
  { code: "PT", timeZone: "Europe/Lisbon", currency: "EUR" },
];
