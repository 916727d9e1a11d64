/** A form change that cannot be made on this text, said in words for the person. */
export class FormEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormEditError';
  }
}
