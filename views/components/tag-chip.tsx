import type { TagRef } from "../../core/contacts/contact.ts";

/**
 * A tag as a chip: its colour as a dot (an SVG fill: the CSP allows no style
 * attribute, and a dot reads well whatever the colour), its name as text.
 */
export function TagChip(props: { tag: TagRef; children?: JSX.Element }): JSX.Element {
  return (
    <span class="tag-chip">
      <ColorDot color={props.tag.color} />
      <span safe>{props.tag.name}</span>
      {props.children ? props.children : ""}
    </span>
  );
}

export function ColorDot(props: { color: string; size?: number }): JSX.Element {
  const size = String(props.size ?? 10);
  return (
    <svg class="dot-svg" width={size} height={size} viewBox="0 0 10 10" aria-hidden="true">
      <circle cx="5" cy="5" r="5" fill={/^#[0-9a-f]{6}$/i.test(props.color) ? props.color : "#98a2b3"} />
    </svg>
  );
}

export function TagChips(props: { tags: TagRef[] }): JSX.Element {
  return props.tags.length ? (
    <span class="tag-chips">
      {props.tags.map((tag) => (
        <TagChip tag={tag} />
      ))}
    </span>
  ) : (
    ""
  );
}
