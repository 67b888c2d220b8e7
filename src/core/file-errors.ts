// What a failed file operation means, in words, for messages: "no such file", not ENOENT.
const IN_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  ENXIO: 'it is a socket, not a file',
  EIO: 'the disk could not be read',
};

// "no such file (ENOENT)"; the message itself for an error without a known code.
export function fileErrorInWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code && code in IN_WORDS) return `${IN_WORDS[code]} (${code})`;
  return code ?? String((error as Error).message ?? error);
}
