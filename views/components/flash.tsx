import type { Flash } from "../context.ts";

export function FlashMessage({ flash }: { flash: Flash }): JSX.Element {
  return (
    <p class={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"} safe>
      {flash.text}
    </p>
  );
}
