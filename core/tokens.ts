/** Dependency-injection tokens. Every root registration lives in container.ts. */
export const T = {
  Config: Symbol("Config"),
  Logger: Symbol("Logger"),
  Clock: Symbol("Clock"),
  Database: Symbol("Database"),
  SecretBox: Symbol("SecretBox"),
  PluginRegistry: Symbol("PluginRegistry"),

  CompanyRepository: Symbol("CompanyRepository"),
  CompanyService: Symbol("CompanyService"),
  UserRepository: Symbol("UserRepository"),
  UserService: Symbol("UserService"),
  QueueRepository: Symbol("QueueRepository"),
  QueueService: Symbol("QueueService"),
  SessionRepository: Symbol("SessionRepository"),
  AuthService: Symbol("AuthService"),
  LoginThrottle: Symbol("LoginThrottle"),
  ApiTokenRepository: Symbol("ApiTokenRepository"),
  ApiTokenService: Symbol("ApiTokenService"),
  Bootstrap: Symbol("Bootstrap"),
  Renderer: Symbol("Renderer"),
  Guard: Symbol("Guard"),
} as const;
