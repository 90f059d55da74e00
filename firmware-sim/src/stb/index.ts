export { createSetTopBox, type SetTopBox, type SetTopBoxOptions } from "./set-top-box";
export { DEFAULT_CATEGORIES, stbCategoriesSchema, type StbCategory } from "./categories";
export { stbKeys, type StbKey } from "./screen";
export type { StbLang, TvState } from "./view";
