export const MOTO_VERSION: string;
export default function globalSetup(): void;
export function installPythonTools(): void;
