// Job-name rules: a slug that is safe as a folder name, a tmux window name and a shell word.

export const NAME_RULE =
  'a job name is 1-63 characters of a-z, 0-9, ".", "_" and "-", starting with a letter or digit, without ".."';

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

// Returns null when the name is valid, else the reason it is not.
export function checkJobName(name: string): string | null {
  if (name === '') return 'the job name is empty';
  if (!NAME_PATTERN.test(name)) return `invalid job name ${JSON.stringify(name)}: ${NAME_RULE}`;
  if (name.includes('..')) return `invalid job name ${JSON.stringify(name)}: ${NAME_RULE}`;
  return null;
}
