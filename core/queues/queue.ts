export interface Queue {
  id: number;
  companyId: number;
  name: string;
  createdAt: number;
}

export interface QueueListItem extends Queue {
  members: number;
}
