import "reflect-metadata";
import type { Database } from "bun:sqlite";
import { container as root, type DependencyContainer } from "tsyringe";
import { ApiTokenRepository } from "./api/api-token-repository.ts";
import { ApiTokenService } from "./api/api-token-service.ts";
import { AuthService } from "./auth/auth-service.ts";
import { LoginThrottle } from "./auth/login-throttle.ts";
import { SessionRepository } from "./auth/session-repository.ts";
import { PluginRegistry } from "./channels/registry.ts";
import { systemClock, type Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { SecretBox } from "./crypto/secret-box.ts";
import { Guard } from "./http/guard-provider.ts";
import { Renderer } from "./http/render.ts";
import { Logger } from "./logger.ts";
import { QueueRepository } from "./queues/queue-repository.ts";
import { QueueService } from "./queues/queue-service.ts";
import { Bootstrap } from "./system/bootstrap.ts";
import { CompanyRepository } from "./tenancy/company-repository.ts";
import { CompanyService } from "./tenancy/company-service.ts";
import { T } from "./tokens.ts";
import { UserRepository } from "./users/user-repository.ts";
import { UserService } from "./users/user-service.ts";

export interface Infrastructure {
  config: Config;
  db: Database;
  masterSecret: string;
  logger?: Logger;
  clock?: Clock;
  registry?: PluginRegistry;
}

/**
 * The composition root: every registration of the application in one place.
 * Each call builds a child container, so tests can run several apps side by side.
 */
export function buildContainer(infra: Infrastructure): DependencyContainer {
  const c = root.createChildContainer();
  c.register(T.Config, { useValue: infra.config });
  c.register(T.Database, { useValue: infra.db });
  c.register(T.Logger, { useValue: infra.logger ?? new Logger(infra.config.logLevel) });
  c.register(T.Clock, { useValue: infra.clock ?? systemClock });
  c.register(T.SecretBox, { useValue: new SecretBox(infra.masterSecret) });
  c.register(T.PluginRegistry, { useValue: infra.registry ?? new PluginRegistry() });

  const singleton = <X>(token: symbol, cls: new (...args: never[]) => X) =>
    c.register(token, { useFactory: instanceOnce(cls) });

  singleton(T.CompanyRepository, CompanyRepository);
  singleton(T.UserRepository, UserRepository);
  singleton(T.QueueRepository, QueueRepository);
  singleton(T.SessionRepository, SessionRepository);
  singleton(T.ApiTokenRepository, ApiTokenRepository);

  singleton(T.CompanyService, CompanyService);
  singleton(T.UserService, UserService);
  singleton(T.QueueService, QueueService);
  singleton(T.LoginThrottle, LoginThrottle);
  singleton(T.AuthService, AuthService);
  singleton(T.ApiTokenService, ApiTokenService);
  singleton(T.Bootstrap, Bootstrap);

  singleton(T.Renderer, Renderer);
  singleton(T.Guard, Guard);
  return c;
}

/** One instance per container, built on first use with the container's own registrations. */
function instanceOnce<X>(cls: new (...args: never[]) => X) {
  let instance: X | undefined;
  return (dc: DependencyContainer): X => (instance ??= dc.resolve(cls as unknown as new () => X));
}
