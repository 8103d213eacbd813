// Queue names and job payloads shared by the API (which sends) and the worker (which runs).
export const QUEUES = {} as const;
