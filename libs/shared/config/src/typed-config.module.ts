import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ConfigClass, validateConfig } from './validate-config';

/**
 * Registers a service's config class as an injectable token. The class is validated by
 * @nestjs/config at boot; handlers inject the class itself and read typed fields.
 */
@Module({})
export class TypedConfigModule {
  static forRoot<T extends object>(cls: ConfigClass<T>): DynamicModule {
    let validated: T | undefined;
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
      providers: [{ provide: cls, useFactory: () => validated ?? validateConfig(cls, process.env) }],
      exports: [cls],
    };
  }
}
