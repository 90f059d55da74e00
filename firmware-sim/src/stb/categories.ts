/** The green key's menu: the service categories a set-top box offers, in both languages it speaks. */
import { z } from "zod";
import { serviceCategoryKeySchema } from "@helpkey/shared";

export const stbCategorySchema = z.object({
  key: serviceCategoryKeySchema,
  nameZh: z.string().min(1).max(32),
  nameEn: z.string().min(1).max(32),
});
export type StbCategory = z.infer<typeof stbCategorySchema>;

/** A menu fits one TV screen: 1 to 12 categories with distinct keys. */
export const stbCategoriesSchema = z.array(stbCategorySchema).min(1).max(12)
  .refine((list) => new Set(list.map((c) => c.key)).size === list.length, "category keys must be distinct");

/** The communities' defaults (the same six the gateway seeds when a community configures none). */
export const DEFAULT_CATEGORIES: readonly StbCategory[] = Object.freeze([
  { key: "medical_help", nameZh: "医疗求助", nameEn: "Medical help" },
  { key: "home_care", nameZh: "居家养老", nameEn: "Elderly care at home" },
  { key: "housekeeping", nameZh: "家政服务", nameEn: "Housekeeping" },
  { key: "repairs", nameZh: "维修", nameEn: "Repairs" },
  { key: "utilities", nameZh: "水电气", nameEn: "Utilities" },
  { key: "government", nameZh: "政务咨询", nameEn: "Questions to the government" },
]);
