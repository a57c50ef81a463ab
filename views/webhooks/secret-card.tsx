import type { Translate } from "../../core/i18n/index.ts";
import { CopyButton } from "../components/copy-button.tsx";

/** The signing secret, on the one page that shows it (after creating or rotating). */
export function SecretCard({ t, secret }: { t: Translate; secret: string }): JSX.Element {
  return (
    <section class="card ok" id="new-secret">
      <p>{t("webhook.secret_once")}</p>
      <div class="copyable">
        <code class="secret" id="webhook-secret" safe>
          {secret}
        </code>
        <CopyButton t={t} target="#webhook-secret" />
      </div>
    </section>
  );
}
