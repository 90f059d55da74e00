/** `@helpkey/firmware-sim/phone-network` (the package's "./*" export maps it to this file). */
export * from "./phone-network/index";
