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

// Suggests a job name from a task: its first words, lowercased, joined by "-".
export function slugFromTask(task: string): string {
  const slug = task
    .toLowerCase()
    .normalize('NFKD')
    // accents come apart under NFKD: drop them, keep their letters
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .slice(0, 4)
    .join('-')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug === '' ? 'job' : slug;
}
