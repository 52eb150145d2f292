import { Global, Module } from '@nestjs/common';
import { ServiceLifecycle } from './service-lifecycle';

/** Global, parameterless, so DatabaseModule can import it before TypeORM (see ServiceLifecycle). */
@Global()
@Module({ providers: [ServiceLifecycle], exports: [ServiceLifecycle] })
export class ServiceLifecycleModule {}
