import { uuidv7 } from 'uuidv7';

/** One id scheme for every row: UUID v7 (time-ordered, so indexes stay compact). */
export function newId(): string {
  return uuidv7();
}
