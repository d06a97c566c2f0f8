import { InvalidArgumentError } from 'commander';
import { isCalendarDate } from './produce/trading-day';

/**
 * Parsers for option values, shared by every command. A value they refuse is a usage error:
 * commander prints `error: option '--count <n>' argument 'x' is invalid. <reason>` and `trades`
 * exits with 2.
 */

export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(Number.isSafeInteger(number) && number >= min && number <= max)) {
      throw new InvalidArgumentError(`Give a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

export function ratio(max = 1): (value: string) => number {
  return (value) => {
    const number = /^(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
    if (!(number >= 0 && number <= max)) throw new InvalidArgumentError(`Give a number from 0 to ${max}.`);
    return number;
  };
}

export function calendarDate(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError('Give a calendar date as YYYY-MM-DD.');
  return value;
}

/** An IAM role ARN, any partition (`arn:aws:iam::123456789012:role/path/name`). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function roleArn(value: string): string {
  if (!ROLE_ARN.test(value))
    throw new InvalidArgumentError('Give an IAM role ARN, arn:aws:iam::<account>:role/<name>.');
  return value;
}

/** A seed: a whole number is used as it is, any other text is hashed to one. */
export function seed(value: string): number | string {
  if (value.length === 0) throw new InvalidArgumentError('Give a number or a word.');
  return /^-?\d{1,10}$/.test(value) ? Number(value) : value;
}
