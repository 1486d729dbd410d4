import type { ButtonHTMLAttributes } from "react";

type Variant = "primary" | "secondary" | "danger" | "ghost";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: "normal" | "small";
  busy?: boolean;
}

/** A button; `busy` disables it and says so to screen readers. */
export function Button({ variant = "primary", size = "normal", busy = false, className, disabled, children, ...rest }: ButtonProps) {
  const classes = ["btn", variant !== "primary" ? variant : "", size === "small" ? "small" : "", className ?? ""];
  return (
    <button
      type="button"
      className={classes.filter(Boolean).join(" ")}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {children}
    </button>
  );
}
