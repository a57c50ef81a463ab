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
import type { TagService } from "../contacts/tag-service.ts";
import type { ContactFieldService } from "../contacts/contact-field-service.ts";
import type { ContactService } from "../contacts/contact-service.ts";
import type { ContactRepository } from "../contacts/contact-repository.ts";
import type { Actor } from "../conversations/conversation-service.ts";
import type { ContactInput } from "../contacts/contact.ts";
import type { BotService } from "../bot/bot-service.ts";
import type { ResponseService } from "../responses/response-service.ts";

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
    @inject(T.TagService) private readonly tagService: TagService,
    @inject(T.ContactFieldService) private readonly fieldService: ContactFieldService,
    @inject(T.ContactService) private readonly contactService: ContactService,
    @inject(T.ContactRepository) private readonly contacts: ContactRepository,
    @inject(T.ResponseService) private readonly responseService: ResponseService,
    @inject(T.BotService) private readonly botService: BotService,
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
    this.demoContacts(scope);
    this.demoResponses(scope);
    this.demoBot(scope);
  }

  /** The manual's "Respuestas Predeterminadas" examples. */
  private demoResponses(scope: Scope): void {
    const existing = new Set(this.responseService.page(scope, "", 1).items.map((r) => r.key.toLowerCase()));
    const examples = [
      { name: "saludo", key: "sl", text: "Hola, {{contact.name}}, ¿cómo está? Le saluda {{agent.name}} de {{company.name}}.", finalize: false, automatic: false, queueIds: [] },
      {
        name: "MEDIOS DE PAGO",
        key: "PAGOS",
        text: "Tenemos distintos medios de pago:\n- Transferencia o consignación\n- Nequi y Daviplata\n- Tarjeta de crédito en nuestra tienda",
        finalize: false,
        automatic: true,
        queueIds: [],
      },
      { name: "despedida", key: "chao", text: "Gracias por escribirnos, {{contact.name}}. ¡Que tenga un buen día!", finalize: true, automatic: false, queueIds: [] },
    ];
    for (const r of examples) if (!existing.has(r.key.toLowerCase())) this.responseService.create(scope, r);
  }

  /** The manual's chatbot example ("test", 60 minutes, Decir saludo, Horario 8:00–18:00), published but off until the admin assigns channels. */
  private demoBot(scope: Scope): void {
    if (this.botService.list(scope).length > 0) return;
    const ventas = this.queues.options(scope.companyId).find((q) => q.name === "ventas");
    if (!ventas) return;
    const p = this.botService.create(scope, {
      name: "test",
      enabled: false,
      channelIds: [],
      definition: {
        timeoutMinutes: 60,
        timeoutLabel: "DESPEDIDA",
        steps: [
          { priority: 1, type: "say", text: "saludo" },
          { priority: 2, type: "schedule", days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"], start: "08:00", end: "18:00", goIfYes: "SALUDAR", goIfNo: "VERIFICAR HORARIO" },
          { priority: 3, label: "SALUDAR", type: "menu", text: "¿Con qué área desea hablar?", options: [{ title: "Ventas" }, { title: "Medios de pago", goTo: "PAGOS" }] },
          { priority: 4, type: "transfer", queueId: ventas.id },
          { priority: 5, label: "VERIFICAR HORARIO", type: "end", text: "Nuestro horario es de 8:00 a 18:00, todos los días. Escríbanos entonces." },
          { priority: 6, label: "PAGOS", type: "say", text: "MEDIOS DE PAGO", goIfYes: "DESPEDIDA" },
          { priority: 7, label: "DESPEDIDA", type: "end", text: "Gracias por escribirnos." },
        ],
      },
    });
    this.botService.publish(scope, p.id, "demo");
  }

  /** The manual's "Gestión de contactos" examples: regional tags, a template, two people. */
  private demoContacts(scope: Scope): void {
    const actor: Actor = { companyId: scope.companyId, userId: null, name: "Demo", role: "api" };
    const palette = ["#1e88e5", "#43a047", "#f4511e", "#8e24aa"];
    const tags = this.tagService.options(scope);
    const tagId = (name: string, i: number) => tags.find((t) => t.name === name)?.id ?? this.tagService.create(scope, { name, color: palette[i]! }).id;
    const ids = ["Regional Atlántico", "Regional Bogotá", "Regional Santanderes", "Regional Sur"].map(tagId);
    const fields = this.fieldService.list(scope);
    if (!fields.some((f) => f.key === "cedula")) {
      this.fieldService.create(scope, { key: "cedula", label: "Cédula", type: "id_document", required: false, options: [], min: null, max: null, display: true });
    }
    if (!fields.some((f) => f.key === "ciudad")) {
      this.fieldService.create(scope, { key: "ciudad", label: "Ciudad", type: "text", required: false, options: [], min: null, max: null, display: false });
    }
    const people: ContactInput[] = [
      { name: "Luis Carlos Herrera De Costa Rica", phone: "+506 8888 7777", email: "", fields: { cedula: "1-0234-0567", ciudad: "San José" }, tagIds: [ids[3]!] },
      { name: "Francy", phone: "+34 612 34 56 78", email: "francy@example.com", fields: { ciudad: "Madrid" }, tagIds: [ids[1]!] },
    ];
    for (const p of people) {
      if (this.contacts.idsByPhone(scope.companyId, p.phone.replace(/\s/g, "")).length) continue;
      this.contactService.create(actor, p);
    }
  }
}
