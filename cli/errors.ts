// Errors the CLI reports in plain words; anything else is unexpected and shows its stack with --verbose.
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
