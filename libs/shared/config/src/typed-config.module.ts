import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ConfigClass, readConfig, validateConfig } from './validate-config';

/**
 * Registers a service's config class as an injectable token. The class is validated by
 * @nestjs/config at boot; handlers inject the class itself and read typed fields. The same instance is
 * registered under each class it extends (BaseServiceConfig, DatabaseConfig, …), so a shared library
 * reads the settings it knows, typed, without knowing the service's class.
 */
@Module({})
export class TypedConfigModule {
  static forRoot<T extends object>(cls: ConfigClass<T>): DynamicModule {
    let validated: T | undefined;
    const ancestors = ancestorsOf(cls);
    const aliases: Provider[] = ancestors.map((ancestor) => ({ provide: ancestor, useExisting: cls }));
    return {
      module: TypedConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: (env) => {
            validated = validateConfig(cls, env);
            return env;
          },
        }),
      ],
      providers: [{ provide: cls, useFactory: () => validated ?? validateConfig(cls, process.env) }, ...aliases],
      exports: [cls, ...ancestors],
    };
  }

  /**
   * A library's settings class, read from ConfigService (the environment, or what a test's ConfigModule
   * loaded) and validated when the importing module is built: a bad value stops the boot naming it.
   */
  static forFeature<T extends object>(cls: ConfigClass<T>): DynamicModule {
    return {
      module: TypedConfigModule,
      providers: [{ provide: cls, inject: [ConfigService], useFactory: (config: ConfigService) => readConfig(cls, config) }],
      exports: [cls],
    };
  }
}

function ancestorsOf(cls: ConfigClass<object>): ConfigClass<object>[] {
  const ancestors: ConfigClass<object>[] = [];
  for (let parent = Object.getPrototypeOf(cls) as ConfigClass<object>; parent && parent !== Function.prototype; parent = Object.getPrototypeOf(parent)) {
    ancestors.push(parent);
  }
  return ancestors;
}
