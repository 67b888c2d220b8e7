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
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EEXIST: 'a file is in the way',
};

// The words for a file-system error code, or null for a code we have none for.
export function fileErrorCodeInWords(code: string | undefined): string | null {
  return code !== undefined && Object.prototype.hasOwnProperty.call(IN_WORDS, code) ? IN_WORDS[code]! : null;
}

// "no such file (ENOENT)"; the message itself for an error without a known code.
export function fileErrorInWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words = fileErrorCodeInWords(code);
  if (words) return `${words} (${code})`;
  return code ?? String((error as Error).message ?? error);
}
