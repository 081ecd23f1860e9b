/** Where each variable came from, by name: "inventory/lab.yml:12", "inventory/group_vars/gateways.yml:3", "-e". */
export type VarOrigins = Record<string, string>;

export interface HostEntry {
  name: string;
  /**
   * Every group the host belongs to, transitively, `all` included (and `ungrouped` when it is
   * in no other group), in precedence order: shallow groups first, then by
   * ansible_group_priority, then by name. Later groups win in vars.ts.
   */
  groups: string[];
  /** Inline vars from the inventory files (a host listed under several groups gets them merged). */
  vars: Record<string, unknown>;
  origins: VarOrigins;
  /** Vars from host_vars/<host>.yml and host_vars/<host>/*, merged in load order. */
  fileVars: Record<string, unknown>;
  fileOrigins: VarOrigins;
  /** Position of the host's first appearance across all inventory files: the order plays run in. */
  order: number;
  /** file:line of that first appearance. */
  where: string;
}

export interface GroupEntry {
  name: string;
  /** Hosts listed directly under this group (not those of its children). */
  hosts: string[];
  children: string[];
  parents: string[];
  vars: Record<string, unknown>;
  origins: VarOrigins;
  /** Vars from group_vars/<group>.yml and group_vars/<group>/*, merged in load order. */
  fileVars: Record<string, unknown>;
  fileOrigins: VarOrigins;
  /** Longest path from `all` (depth 0): deeper groups win over their parents. */
  depth: number;
  /** file:line where the group is first defined ("" for the implicit all/ungrouped). */
  where: string;
}

export interface Inventory {
  hosts: Map<string, HostEntry>;
  groups: Map<string, GroupEntry>;
  /** Every file read (inventory files, then group_vars and host_vars files), as displayed in messages. */
  files: string[];
  /** Non-fatal findings, e.g. a group_vars file for a group no inventory defines. */
  warnings: string[];
}
