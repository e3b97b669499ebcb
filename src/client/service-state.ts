/** Java `ServiceState`, as a string union: the lifecycle of a producer and of a client instance. */
export type ServiceState = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' | 'START_FAILED';
