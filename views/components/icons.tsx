/**
 * Inline SVG icons (no emoji font needed, no request, allowed by the CSP: they
 * carry presentation attributes, never a style attribute). Decorative by default:
 * the control around them names what they do.
 */
import type { PropsWithChildren } from "@kitajs/html";

type IconProps = { label?: string; class?: string };

function Svg(props: PropsWithChildren<IconProps>): JSX.Element {
  return (
    <svg
      class={props.class ? `icon ${props.class}` : "icon"}
      viewBox="0 0 24 24"
      width="18"
      height="18"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden={props.label ? undefined : "true"}
      role={props.label ? "img" : undefined}
      aria-label={props.label}
    >
      {props.children}
    </svg>
  );
}

export const ClockIcon = (p: IconProps = {}) => (
  <Svg {...p}>
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </>
  </Svg>
);
export const PaperclipIcon = (p: IconProps = {}) => (
  <Svg {...p}>
    <path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9" />
  </Svg>
);
export const MenuIcon = (p: IconProps = {}) => (
  <Svg {...p}>
    <path d="M4 6h16M4 12h16M4 18h16" />
  </Svg>
);
export const BackIcon = (p: IconProps = {}) => (
  <Svg {...p}>
    <path d="M15 18l-6-6 6-6" />
  </Svg>
);
export const CopyIcon = (p: IconProps = {}) => (
  <Svg {...p}>
    <>
      <rect x="9" y="9" width="11" height="11" rx="2" />
      <path d="M5 15V5a2 2 0 0 1 2-2h10" />
    </>
  </Svg>
);
export const CheckIcon = (p: IconProps = {}) => (
  <Svg {...p}>
    <path d="M5 12l5 5 9-10" />
  </Svg>
);
export const SendIcon = (p: IconProps = {}) => (
  <Svg {...p}>
    <path d="M4 12l16-8-6 16-2-7-8-1z" />
  </Svg>
);
