export const MOTO_VERSION: string;
export default function globalSetup(): void;
