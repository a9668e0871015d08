import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The GitHub workflows: what runs in them, and what they may do. */

const folder = fileURLToPath(new URL('../../.github/workflows', import.meta.url));
const workflows = readdirSync(folder)
  .filter((file) => file.endsWith('.yml'))
  .map((file) => {
    const text = readFileSync(join(folder, file), 'utf8');
    return { file, text, workflow: parse(text) };
  });

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
  uses?: string;
}

describe('the workflows', () => {
  it('pin every action to a commit SHA', () => {
    for (const { file, workflow } of workflows) {
      for (const [id, job] of Object.entries<Job>(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses || step.uses.startsWith('./')) continue;
          expect(step.uses, `${file} ${id}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        }
      }
    }
  });

  it('check out without keeping the token in the working copy', () => {
    for (const { file, workflow } of workflows) {
      for (const [id, job] of Object.entries<Job>(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses?.startsWith('actions/checkout@')) {
            expect(step.with?.['persist-credentials'], `${file} ${id}`).toBe(false);
          }
        }
      }
    }
  });

  it('grant read-only contents at the top, and an OIDC token only to the jobs that deploy', () => {
    for (const { file, workflow } of workflows) {
      expect(workflow.permissions, file).toEqual({ contents: 'read' });
      for (const [id, job] of Object.entries<Job>(workflow.jobs)) {
        const deploys =
          job.uses === './.github/workflows/deploy-stage.yml' ||
          (job.steps ?? []).some((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
        expect(job.permissions?.['id-token'], `${file} ${id}`).toBe(deploys ? 'write' : undefined);
      }
    }
  });

  it("migrate with the new release's migrate function before the stack deploys the new code", () => {
    const stage = workflows.find(({ file }) => file === 'deploy-stage.yml');
    const text = stage?.text ?? '';
    const ahead = text.indexOf('serverless deploy function --function migrate');
    const deploy = text.indexOf('npx serverless deploy --stage');
    expect(ahead).toBeGreaterThan(0);
    expect(deploy).toBeGreaterThan(ahead);
  });
});
