import { createInterface } from 'node:readline';

async function readAllStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // readline echoes what is typed; a password must not appear on screen or in a terminal recording.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stdout.write(question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

/** A password never comes from an argument (it would sit in the shell history and `ps`): a prompt, or the first line of stdin. */
export async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return (await readAllStdin()).split(/\r?\n/)[0] ?? '';
  const first = await promptHidden('Password: ');
  const again = await promptHidden('Repeat password: ');
  if (first !== again) throw new Error('The two passwords differ.');
  return first;
}
