import { inject, injectable } from "tsyringe";
import type { Config } from "../config.ts";
import { generatePassword } from "../crypto/tokens.ts";
import type { CompanyRepository } from "../tenancy/company-repository.ts";
import type { CompanyService } from "../tenancy/company-service.ts";
import type { QueueRepository } from "../queues/queue-repository.ts";
import type { QueueService } from "../queues/queue-service.ts";
import { T } from "../tokens.ts";
import type { UserRepository } from "../users/user-repository.ts";
import type { UserService } from "../users/user-service.ts";
import type { Scope } from "../auth/access.ts";
import type { ChannelService } from "../channels/channel-service.ts";
import type { PluginRegistry } from "../channels/registry.ts";

export interface FirstRun {
  username: string;
  /** Set only when generated here (shown once); null when ADMIN_PASSWORD was used. */
  generatedPassword: string | null;
  companyId: number;
}

/** What an empty data dir needs to be usable at once: the operator and a first company. */
@injectable()
export class Bootstrap {
  constructor(
    @inject(T.Config) private readonly config: Config,
    @inject(T.CompanyRepository) private readonly companies: CompanyRepository,
    @inject(T.CompanyService) private readonly companyService: CompanyService,
    @inject(T.UserRepository) private readonly users: UserRepository,
    @inject(T.UserService) private readonly userService: UserService,
    @inject(T.QueueRepository) private readonly queues: QueueRepository,
    @inject(T.QueueService) private readonly queueService: QueueService,
    @inject(T.ChannelService) private readonly channelService: ChannelService,
    @inject(T.PluginRegistry) private readonly registry: PluginRegistry,
  ) {}

  /** Idempotent: does nothing once any company exists. */
  async firstRun(): Promise<FirstRun | null> {
    if (this.companies.count() > 0) return null;
    const company = this.companyService.create({
      name: "Mi Empresa",
      slug: "mi-empresa",
      country: "CO",
      timeZone: "America/Bogota",
      currency: "COP",
      active: true,
    });
    // A newcomer can see a message arrive at once, with no Meta account: a web chat channel.
    if (this.registry.get("webchat")) {
      const scope: Scope = { companyId: company.id, userId: null, role: "admin" };
      this.channelService.create(scope, "webchat", { name: "Web chat", queueId: null, reopenWindowMinutes: 0, config: {} });
    }
    let generatedPassword: string | null = null;
    if (!this.users.byUsername("admin")) {
      const password = this.config.adminPassword || (generatedPassword = generatePassword());
      await this.userService.createOperator("admin", password);
    }
    return { username: "admin", generatedPassword, companyId: company.id };
  }

  /**
   * The seed manual's examples: colas "contabilidad" and "ventas", and
   * Fulanito De Tal in both. Idempotent, so `serve --demo` can run every time.
   */
  async demo(companyId: number): Promise<void> {
    const scope: Scope = { companyId, userId: null, role: "admin" };
    const ids: number[] = [];
    for (const name of ["contabilidad", "ventas"]) {
      const existing = this.queues.options(companyId).find((q) => q.name === name);
      ids.push(existing?.id ?? this.queueService.create(scope, { name, strategy: "round_robin", maxPerAgent: 0 }).id);
    }
    const people = [
      { username: "fulanito", name: "Fulanito De Tal", role: "agent", extension: "101", queueIds: ids },
      { username: "supervisora", name: "Mengana Pérez", role: "supervisor", extension: "100", queueIds: ids },
      { username: "zutano", name: "Zutano Gómez", role: "agent", extension: "102", queueIds: [ids[1]!] },
    ];
    // The web chat lands in "ventas", so a demo message reaches Fulanito and Zutano.
    for (const c of this.channelService.list(scope)) {
      if (c.pluginId === "webchat" && c.queueId === null) {
        this.channelService.update(scope, c.id, { name: c.name, queueId: ids[1]!, reopenWindowMinutes: c.reopenWindowMinutes, config: c.config });
      }
    }
    for (const p of people) {
      if (this.users.usernameTaken(p.username)) continue;
      await this.userService.create(scope, { ...p, password: "demo1234", passwordConfirm: "demo1234", language: "es" });
    }
  }
}
