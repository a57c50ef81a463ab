// The package ships its types as an ambient module that its "exports" map does not point to.
/// <reference path="../node_modules/date-holidays-parser/types/index.d.ts" />
